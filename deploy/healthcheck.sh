#!/bin/sh
# The server image's HEALTHCHECK (server/Dockerfile): exit 0 when the server of this container answers, 1 when not.
# POSIX sh with what both bases have (the official Ubuntu-based eclipse-temurin image: dash, bash, awk; the local
# stand-in of this machine: busybox sh, awk, nc, wget): nothing is installed for it.
#
# It asks what the server itself reads (an environment variable that is set and not blank wins over the key of
# /app/config.ini, whose keys are case-insensitive):
#   - SERVER_METRICS_PORT set (the opt-in ops port, not 0): HTTP GET /health on SERVER_IP:that port, healthy on 2xx;
#     the lottery port sees nothing of it;
#   - else a TCP connect to SERVER_IP:SERVER_PORT that sends nothing and closes. The server logs such a connection
#     as `action: accept_connections | result: success` (and `close_connection` at DEBUG) and closes it at once
#     (nothing sent: no protocol to answer in); no error line.
# SERVER_IP 0.0.0.0 (or blank) is probed on 127.0.0.1; a name (`server` in the course's compose file) resolves to
# this container's own address. Connect and answer are bounded (3 s), besides the HEALTHCHECK's own timeout.
#
#   sh /app/healthcheck.sh          (LOTTERY_HEALTH_CONFIG: another config file, for tests)
config=${LOTTERY_HEALTH_CONFIG:-/app/config.ini}

# setting NAME DEFAULT: the variable NAME when set and not blank, else NAME in the config file, else DEFAULT.
setting() {
    eval "value=\${$1:-}"
    # shellcheck disable=SC2154 # set by the eval
    value=$(printf '%s' "$value" | tr -d ' \t\r\n')
    if [ -z "$value" ] && [ -r "$config" ]; then
        value=$(awk -v key="$1" '
            { line = $0; sub(/\r$/, "", line) }
            line ~ /^[ \t]*[#;]/ || line !~ /[=:]/ { next }
            {
                name = line; sub(/[=:].*/, "", name); gsub(/[ \t]/, "", name)
                if (toupper(name) != key) next
                v = line; sub(/^[^=:]*[=:]/, "", v); gsub(/^[ \t]+|[ \t]+$/, "", v); found = v
            }
            END { print found }' "$config")
    fi
    echo "${value:-$2}"
}

host=$(setting SERVER_IP 0.0.0.0)
case $host in 0.0.0.0 | '::' | '[::]') host=127.0.0.1 ;; esac
port=$(setting SERVER_PORT 12345)
ops_port=$(setting SERVER_METRICS_PORT '')

# tcp_probe HOST PORT: connect, send nothing, close.
tcp_probe() {
    if command -v bash >/dev/null 2>&1; then
        # shellcheck disable=SC2016 # expanded by bash
        timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' probe "$1" "$2" 2>/dev/null
    else
        # busybox nc: stdin is empty, so it half-closes at once and the server closes the connection.
        nc -w 3 "$1" "$2" </dev/null >/dev/null 2>&1
    fi
}

# http_probe HOST PORT: GET /health answers 2xx.
http_probe() {
    if command -v wget >/dev/null 2>&1; then
        wget -q -T 3 -O /dev/null "http://$1:$2/health" 2>/dev/null
    elif command -v curl >/dev/null 2>&1; then
        curl -fsS -m 3 -o /dev/null "http://$1:$2/health" 2>/dev/null
    else
        # shellcheck disable=SC2016 # expanded by bash
        timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1
            printf "GET /health HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n" "$1" >&3
            read -r _ code _ <&3
            case $code in 2??) exit 0 ;; *) exit 1 ;; esac' probe "$1" "$2" 2>/dev/null
    fi
}

case $ops_port in
    '' | 0 | *[!0-9]*) tcp_probe "$host" "$port" ;;
    *) http_probe "$host" "$ops_port" ;;
esac || exit 1
exit 0

#!/bin/sh
# Checks that the echo server answers (exercise 3): sends one line with netcat and expects the same line back.
#
#   sh validar-echo-server.sh        (or ./validar-echo-server.sh; POSIX sh, runs under dash and bash)
#
# Netcat is not needed on the host and no port is published: the script runs busybox `nc` in a throwaway container
# attached to the Compose network, where the server is reachable by its container name. It prints exactly one line,
#   action: test_echo_server | result: success     (exit status 0), or
#   action: test_echo_server | result: fail        (exit status 1),
# and explains a failure on stderr. It never hangs: a missing network or a server container that is not running
# fails at once, a server that refuses connections is retried for ECHO_WAIT_SECONDS (the JVM may still be starting),
# and each attempt is cut after ECHO_ANSWER_SECONDS (a server that never closes the connection, or never answers).
#
# Settings (environment variables, all optional):
#   ECHO_HOST            server host name on the network       (default: server)
#   ECHO_PORT            server port      (default: SERVER_PORT of server/config.ini, else 12345)
#   ECHO_NETWORK         Docker network to attach to           (default: tp0_testing_net)
#   ECHO_WAIT_SECONDS    how long to retry refused connections (default: 10)
#   ECHO_ANSWER_SECONDS  how long one attempt waits for the answer (default: 3)
#   ECHO_IMAGE           image providing nc                    (default: busybox:latest)

cd "$(dirname "$0")" || exit 1

CONFIG=server/config.ini

# SERVER_PORT from the INI config: its `SERVER_PORT = N` line (keys are case-insensitive, `=` or `:` separates).
config_port() {
    [ -r "$CONFIG" ] || return 0
    tr -d '\r' <"$CONFIG" \
        | sed -n 's/^[[:space:]]*[Ss][Ee][Rr][Vv][Ee][Rr]_[Pp][Oo][Rr][Tt][[:space:]]*[=:][[:space:]]*\([0-9][0-9]*\)[[:space:]]*$/\1/p' \
        | head -n 1
}

host=${ECHO_HOST:-server}
port=${ECHO_PORT:-$(config_port)}
port=${port:-12345}
network=${ECHO_NETWORK:-tp0_testing_net}
wait_seconds=${ECHO_WAIT_SECONDS:-10}
answer_seconds=${ECHO_ANSWER_SECONDS:-3}
image=${ECHO_IMAGE:-busybox:latest}
# No colon or bar in the message: the server logs it inside an `action: ... | msg: ...` line.
message="validar-echo-server $$"

verdict() {
    echo "action: test_echo_server | result: $1"
    [ "$1" = success ]
    exit
}

fail() {
    echo "validar-echo-server.sh: $*" >&2
    verdict fail
}

is_number() {
    case $1 in '' | *[!0-9]*) return 1 ;; esac
}
if ! is_number "$port" || ! is_number "$wait_seconds" || ! is_number "$answer_seconds"; then
    fail "ECHO_PORT, ECHO_WAIT_SECONDS and ECHO_ANSWER_SECONDS must be integers"
fi

# Fail fast when there is nothing to talk to: the network is missing, or no running container of that name is on it
# (a stopped container is not listed). An IP address as host skips the name check.
members=$(docker network inspect -f '{{range .Containers}}{{.Name}} {{end}}' "$network" 2>/dev/null) \
    || fail "network $network not found (is the system up? make docker-compose-up)"
case $host in
    *[!0-9.]*)
        case " $members " in
            *" $host "*) ;;
            *) fail "no running container named $host on $network" ;;
        esac ;;
esac

# Runs inside the busybox container. Prints "ok", "refused", or "wrong" followed by the answer on the next lines.
# nc's stdin closes after the message, so nc half-closes and a server that closes after echoing ends the attempt
# at once; `timeout` ends it for a server that keeps the connection open.
# shellcheck disable=SC2016 # expanded by the container's shell
probe='
deadline=$(( $(date +%s) + WAIT ))
while :; do
    answer=$(printf "%s\n" "$MSG" | timeout "$ANSWER" nc -w "$ANSWER" "$HOST" "$PORT" 2>/dev/null)
    if [ "$answer" = "$MSG" ]; then echo ok; exit 0; fi
    if [ -n "$answer" ]; then printf "wrong\n%s\n" "$answer"; exit 0; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then echo refused; exit 0; fi
    sleep 0.5
done'

errors=$(mktemp) || fail "cannot create a temporary file"
trap 'rm -f "$errors"' EXIT
# The host-side `timeout` (when the host has one) only guards against a stuck Docker daemon.
bound=""
command -v timeout >/dev/null 2>&1 && bound="timeout $((wait_seconds + answer_seconds + 30))"
outcome=$($bound docker run --rm --network "$network" \
    -e HOST="$host" -e PORT="$port" -e MSG="$message" -e WAIT="$wait_seconds" -e ANSWER="$answer_seconds" \
    "$image" sh -c "$probe" 2>"$errors")

case $outcome in
    ok) verdict success ;;
    refused) fail "no answer from $host:$port on $network within ${wait_seconds}s" ;;
    wrong*) fail "sent '$message', got '$(printf '%s\n' "$outcome" | sed 1d)'" ;;
    *) cat "$errors" >&2; fail "could not run the $image probe container on $network" ;;
esac

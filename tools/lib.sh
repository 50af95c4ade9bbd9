# Helpers shared by the scripts under tools/ (sourced, not run: `. tools/lib.sh` from the repository's root).
# POSIX sh plus `local` (bash and dash both run it): progress lines, PASS/FAIL checks with the closing count, a
# free port and a bounded wait for a log line. Set SAY_TAG before the first `say` (default "lottery").
# shellcheck shell=dash

passed=0
failed=0

# say MESSAGE...: one progress line, `[TAG HH:MM:SS] MESSAGE`.
say() {
    echo "[${SAY_TAG:-lottery} $(date +%H:%M:%S)] $*"
}

# pass NAME: counts a passed check and prints `PASS NAME`.
pass() {
    passed=$((passed + 1))
    echo "PASS $1"
}

# fail NAME [WHY]: counts a failed check and prints `FAIL NAME` (`FAIL NAME: WHY` when WHY is given).
fail() {
    failed=$((failed + 1))
    echo "FAIL $1${2:+: $2}"
}

# check NAME WHY COMMAND...: PASS NAME when COMMAND succeeds, else FAIL NAME: WHY.
check() {
    local name="$1" why="$2"
    shift 2
    if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}

# check_equal NAME EXPECTED ACTUAL: PASS NAME: ACTUAL when both are the same string, else FAIL with both.
check_equal() {
    if [ "$2" = "$3" ]; then pass "$1: $3"; else fail "$1" "expected '$2', got '$3'"; fi
}

# summary: prints the closing `N passed, N failed` (.ci/run and the READMEs show it); false when a check failed.
summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# free_port: prints a TCP port of 127.0.0.1 that nothing uses (python3 binds port 0; without python3, a random port
# of 20000-31999, below the kernel's ephemeral range, that /proc/net/tcp does not list); false after 50 tries.
free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
        return
    fi
    local try=0 port
    while [ "$try" -lt 50 ]; do
        port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 12000))
        if ! cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v h="$(printf ':%04X' "$port")" \
            'substr($2, length($2) - 4) == h { found = 1 } END { exit !found }'; then
            echo "$port"
            return 0
        fi
        try=$((try + 1))
    done
    return 1
}

# wait_for_line FILE TEXT SECONDS [PID]: true once FILE has a line containing the fixed string TEXT; false when
# SECONDS pass first, or when process PID (if given) exits without having written it.
wait_for_line() {
    local tenths=$(($3 * 10))
    while [ "$tenths" -gt 0 ]; do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        if [ -n "${4-}" ] && ! kill -0 "$4" 2>/dev/null; then
            grep -qF -- "$2" "$1" 2>/dev/null
            return
        fi
        sleep 0.1
        tenths=$((tenths - 1))
    done
    return 1
}

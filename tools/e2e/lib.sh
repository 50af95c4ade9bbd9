# Helpers for the end-to-end scenarios (sourced by tools/e2e/scenarios.sh; bash). Every wait is bounded.
# They only use the project's public interfaces: make targets, the two root scripts, the config files and what
# Docker shows (logs, exit codes).
# shellcheck shell=bash disable=SC2034 # bash; the constants are used by scenarios.sh

# say (tools/lib.sh's, as `[e2e HH:MM:SS] ...`: run.sh and course.sh show these lines of a scenario's output)
# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
SAY_TAG=e2e

COMPOSE_FILE=docker-compose-dev.yaml
SERVER_CONFIG=server/config.ini
CLIENT_CONFIG=client/config.yaml
BETS_FILE=.data/state/bets.csv
WINNING_NUMBER=7574

# die MESSAGE: ends the scenario (each scenario runs in its own bash process) with the reason on stderr.
die() {
    echo "FAIL: $*" >&2
    exit 1
}

compose() {
    docker compose -f "$COMPOSE_FILE" "$@"
}

# set_yaml FILE KEY VALUE: sets a config key in place; KEY is "section.name" or a top-level "name" (appended when
# the file has none); VALUE is written as given (YAML). The file is rewritten in place (same inode), as a
# single-file bind mount needs.
set_yaml() {
    local file=$1 key=$2 value=$3 tmp
    tmp=$(mktemp)
    if ! awk -v key="$key" -v value="$value" '
        BEGIN { n = split(key, part, "."); section = n == 2 ? part[1] : ""; name = part[n] }
        /^[^ #][^:]*:/ { current = $0; sub(/:.*/, "", current) }
        !done && section == "" && $0 ~ ("^" name ":") { print name ": " value; done = 1; next }
        !done && section != "" && current == section && $0 ~ ("^  " name ":") {
            print "  " name ": " value; done = 1; next
        }
        { print }
        END {
            if (!done && section == "") { print name ": " value; done = 1 }
            exit done ? 0 : 3
        }' "$file" >"$tmp"; then
        rm -f "$tmp"
        die "set_yaml: no key $key in $file"
    fi
    cat "$tmp" >"$file"
    rm -f "$tmp"
}

# set_ini FILE KEY VALUE: sets KEY (any case) of the INI file to VALUE in place (same inode), or appends it.
set_ini() {
    local file=$1 key=$2 value=$3 tmp
    tmp=$(mktemp)
    awk -v key="$key" -v value="$value" '
        { line = $0; sub(/\r$/, "", line); name = line; sub(/[ \t]*[=:].*/, "", name); gsub(/^[ \t]+/, "", name) }
        !done && toupper(name) == toupper(key) && line ~ /[=:]/ && line !~ /^[ \t]*[#;]/ {
            print key " = " value; done = 1; next
        }
        { print }
        END { if (!done) print key " = " value }' "$file" >"$tmp"
    cat "$tmp" >"$file"
    rm -f "$tmp"
}

# client_echo_config AMOUNT PERIOD [LEVEL]: echo mode with that loop.
client_echo_config() {
    set_yaml "$CLIENT_CONFIG" mode echo
    set_yaml "$CLIENT_CONFIG" loop.amount "$1"
    set_yaml "$CLIENT_CONFIG" loop.period "\"$2\""
    set_yaml "$CLIENT_CONFIG" log.level "\"${3:-INFO}\""
}

generate() {
    sh generar-compose.sh "$COMPOSE_FILE" "$1" >/dev/null || die "generar-compose.sh $COMPOSE_FILE $1 failed"
}

# up [ENV=VALUE...]: make docker-compose-up (output kept for the scenario log).
up() {
    # Every scenario is a lottery of its own: an unfinished round an earlier scenario left is not resumed.
    env SERVER_NEW_ROUND=true "$@" make docker-compose-up >"$E2E_TMP/up.log" 2>&1 \
        || { cat "$E2E_TMP/up.log"; die "make docker-compose-up"; }
}

status_of() {
    docker inspect -f '{{.State.Status}}' "$1" 2>/dev/null || echo missing
}

exit_code_of() {
    docker inspect -f '{{.State.ExitCode}}' "$1" 2>/dev/null || echo missing
}

logs_of() {
    docker logs "$1" 2>&1
}

# count_lines CONTAINER TEXT: lines of the container's log that contain TEXT (fixed string).
count_lines() {
    logs_of "$1" | grep -c -F -- "$2" || true
}

# value_of CONTAINER ACTION KEY: KEY's value in the last "action: ACTION | result: success" line (empty if none).
value_of() {
    logs_of "$1" | grep -F "action: $2 | result: success" | tail -n 1 \
        | sed -n "s/.*| $3: \([^|]*\).*/\1/p" | sed 's/[[:space:]]*$//' || true
}

# wait_exited TIMEOUT CONTAINER...: until every container has stopped.
wait_exited() {
    local timeout=$1 deadline c pending
    shift
    deadline=$((SECONDS + timeout))
    while :; do
        pending=""
        for c in "$@"; do
            [ "$(status_of "$c")" = exited ] || pending="$pending $c"
        done
        [ -z "$pending" ] && return 0
        [ "$SECONDS" -ge "$deadline" ] && die "still running after ${timeout}s:$pending"
        sleep 0.5
    done
}

# wait_lines TIMEOUT CONTAINER TEXT [COUNT]: until the log has COUNT (default 1) lines containing TEXT.
wait_lines() {
    local timeout=$1 container=$2 text=$3 count=${4:-1} deadline
    deadline=$((SECONDS + timeout))
    until [ "$(count_lines "$container" "$text")" -ge "$count" ]; do
        [ "$SECONDS" -ge "$deadline" ] && die "$container: fewer than $count lines with '$text' after ${timeout}s"
        sleep 0.3
    done
}

expect_exit_zero() {
    local c code
    for c in "$@"; do
        code=$(exit_code_of "$c")
        [ "$code" = 0 ] || { logs_of "$c" | tail -n 20 >&2; die "$c exited with status $code"; }
    done
}

# expect_line CONTAINER TEXT: the log has a line containing TEXT.
expect_line() {
    [ "$(count_lines "$1" "$2")" -ge 1 ] || { logs_of "$1" | tail -n 20 >&2; die "$1: no line with '$2'"; }
}

# expect_equal WHAT ACTUAL EXPECTED
expect_equal() {
    [ "$2" = "$3" ] || die "$1: got '$2', expected '$3'"
}

# expect_clean_logs CONTAINER...: what the course's log parser (tp0-tests, utils/line_parser.py) demands of every
# line: valid UTF-8; no "result: fail"; each "action:" line reads "action: A | result: R" with R in
# success|fail|in_progress and every further "|" segment is "key: value" with a key other than source/action/result;
# and no app line contains " exited with code " (Compose's own phrase).
expect_clean_logs() {
    local c bad
    for c in "$@"; do
        logs_of "$c" >"$E2E_TMP/clean.log"
        if command -v iconv >/dev/null 2>&1 && ! iconv -f UTF-8 -t UTF-8 "$E2E_TMP/clean.log" >/dev/null 2>&1; then
            die "$c: log is not valid UTF-8"
        fi
        bad=$(awk '
            / exited with code / { print "exit phrase: " $0; next }
            !/action:/ { next }
            {
                n = split($0, seg, "|")
                result = seg[2]; sub(/.*:/, "", result); gsub(/ /, "", result)
                if (n < 2 || seg[2] !~ /result:/ || result !~ /^(success|fail|in_progress)$/) {
                    print "bad result: " $0; next
                }
                if (result == "fail") { print "fail: " $0; next }
                for (i = 3; i <= n; i++) {
                    if (seg[i] !~ /:/) { print "segment without colon: " $0; next }
                    key = seg[i]; sub(/:[^:]*$/, "", key); gsub(/^ +| +$/, "", key)
                    if (key == "source" || key == "action" || key == "result") { print "reserved key: " $0; next }
                }
            }' "$E2E_TMP/clean.log" | head -n 5)
        [ -z "$bad" ] || die "$c: log lines the course's parser rejects or counts as failures:
$bad"
    done
}

# clients_list N: client1 .. clientN, one per line (read them with mapfile).
clients_list() {
    local k
    for ((k = 1; k <= $1; k++)); do echo "client$k"; done
}

# winners_in CSV: bets of that agency file that play the winning number (computed here, independently of the apps).
winners_in() {
    awk -F, -v n="$WINNING_NUMBER" '{ sub(/\r$/, "") } $5 == n { c++ } END { print c + 0 }' "$1"
}

rows_in() {
    awk 'END { print NR }' "$1"
}

# unzip_course_data: the course's five agency files into .data/ (replacing any agency files there).
unzip_course_data() {
    local zip=../shared/data/dataset.zip
    [ -f "$zip" ] || die "course dataset $zip not found (it is beside the clone in CI)"
    rm -f .data/agency-*.csv
    if command -v unzip >/dev/null 2>&1; then
        unzip -q -o "$zip" 'agency-*.csv' -d .data || die "unzip $zip"
    else
        local abs
        abs=$(cd "$(dirname "$zip")" && pwd)/$(basename "$zip")
        (cd .data && jar xf "$abs") || die "jar xf $zip"
    fi
    [ -f .data/agency-5.csv ] || die "no agency-5.csv in $zip"
}

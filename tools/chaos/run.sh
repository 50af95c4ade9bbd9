#!/usr/bin/env bash
# Chaos test of issue 10 (durable, exactly-once ingest with resume): the real server jar, 5 real agency clients on
# the course data and 50 synthetic agencies (lottery-loadgen) ingest while the server is killed with SIGKILL K times
# at seeded-random moments and restarted; then the bets file must hold every bet exactly once, the draw must have
# run once and every agency must have got its own winners. Then smaller scenarios (the same agency twice in a row,
# two clients with one id at once, a second server on the same storage, an impersonator). See tools/chaos/README.md.
#
#   bash tools/chaos/run.sh [--seed S] [--kills K] [--long] [--tls] [--keep] [SCENARIO...]
#
#   --seed S    seeds the kill moments, the secrets and the synthetic bets (default 1): same seed, same run plan
#   --kills K   server kills in the kill scenario (default 5; --long: 25)
#   --long      the longer run: 25 kills, 10,000 bets per synthetic agency (about 2-3 minutes instead of 45 s)
#   --tls       the same checks with TLS on (issue 21; also CHAOS_TLS=1): certificates from generar-compose.sh --tls,
#               every server with SERVER_TLS_*, every real client with its agency's certificate (and its secret).
#               The plain lottery is refused, except in `kills`, where lottery-loadgen (no TLS) speaks plain with its
#               secrets (SERVER_TLS_ALLOW_PLAIN=true, SERVER_TLS_CLIENT_AUTH=optional) beside the TLS clients; and
#               `impersonator` becomes agency 2's certificate claiming agency 1, and a plain agency with the right
#               secret: both refused, nothing stored
#   --keep      keep the work directory (it is kept anyway when a check fails)
#   SCENARIO    run only these: kills same_agency_twice same_id_at_once second_server impersonator (default: all)
#
# Prints `PASS name` / `FAIL name: why` per check and a final count; exits 1 when any check failed, 2 on a bad
# command line. Every wait is bounded; every process it starts is killed on exit. Needs bash, java 17, unzip or
# python3 (course zip), coreutils; builds the jars with Maven only when one is missing.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
# say, pass, fail NAME WHY, check NAME WHY COMMAND..., summary, free_port, wait_for_line
# shellcheck source=tools/lib.sh
. tools/lib.sh
SAY_TAG=chaos

SERVER_JAR=$ROOT/lottery-server/target/lottery-server.jar
CLIENT_JAR=$ROOT/lottery-client/target/lottery-client.jar
LOADGEN_JAR=$ROOT/lottery-loadgen/target/lottery-loadgen.jar
COURSE_ZIP=$ROOT/../shared/data/dataset.zip
JAVA_OPTS=${CHAOS_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}
WINNING_NUMBER=7574
REAL_AGENCIES=5
KILL_CYCLE_MS=${CHAOS_KILL_CYCLE_MS:-4000}
ALL_AGENCIES=55

seed=1
kills=
long=0
keep=0
tls=0
case ${CHAOS_TLS:-0} in 1 | true | yes) tls=1 ;; esac
scenarios=()
while [ $# -gt 0 ]; do
    case $1 in
        --seed) seed=${2:?--seed needs a value}; shift 2 ;;
        --kills) kills=${2:?--kills needs a value}; shift 2 ;;
        --long) long=1; shift ;;
        --tls) tls=1; shift ;;
        --keep) keep=1; shift ;;
        --help | -h) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option $1 (--help)" >&2; exit 2 ;;
        *) scenarios+=("$1"); shift ;;
    esac
done
case $seed$kills in *[!0-9]*) echo "run.sh: --seed and --kills take whole numbers" >&2; exit 2 ;; esac
if [ "$long" = 1 ]; then
    kills=${kills:-25}
    loadgen_bets=10000
    run_timeout=600
else
    kills=${kills:-5}
    loadgen_bets=2000
    run_timeout=240
fi
[ ${#scenarios[@]} -gt 0 ] || scenarios=(kills same_agency_twice same_id_at_once second_server impersonator)
RANDOM=$seed # bash's generator: the kill moments and secrets below are the same for the same seed

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lottery-chaos.XXXXXX") || exit 2
LOGS=$WORK/logs
mkdir -p "$LOGS"
started=() # every pid this script started, killed on exit
server_pid=
server_log=
server_starts=0
last_pid=

cleanup() {
    local pid
    for pid in "${started[@]}"; do
        kill -9 "$pid" 2>/dev/null
    done
    wait 2>/dev/null
    if [ "$failed" -gt 0 ] || [ "$keep" = 1 ]; then
        echo "work directory kept: $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- set-up: jars, data, port, secrets

if [ ! -f "$SERVER_JAR" ] || [ ! -f "$CLIENT_JAR" ] || [ ! -f "$LOADGEN_JAR" ]; then
    say "building the jars (mvn -B -q package, tests not compiled)"
    # maven.test.skip: the jars need no test classes, so a test that does not compile cannot stop the run
    mvn -B -q package -Dmaven.test.skip=true >"$LOGS/build.log" 2>&1 || { cat "$LOGS/build.log"; exit 2; }
fi

DATA=$WORK/data
mkdir -p "$DATA"
if [ -f "$COURSE_ZIP" ]; then
    if command -v unzip >/dev/null 2>&1; then
        unzip -q -o "$COURSE_ZIP" -d "$DATA/zip"
    else
        python3 -m zipfile -e "$COURSE_ZIP" "$DATA/zip"
    fi
    for k in $(seq 1 $REAL_AGENCIES); do
        found=$(find "$DATA/zip" -type f -name "agency-$k.csv" | head -n 1)
        [ -n "$found" ] && mv "$found" "$DATA/agency-$k.csv"
    done
    say "data: the course's dataset.zip"
fi
for k in $(seq 1 $REAL_AGENCIES); do
    if [ ! -f "$DATA/agency-$k.csv" ]; then
        say "data: generated (tools/data/GenerateDataset.java), no $COURSE_ZIP"
        # shellcheck disable=SC2046 # one argument per agency
        java tools/data/GenerateDataset.java "$DATA" $(seq 1 $REAL_AGENCIES) >"$LOGS/generate.log" 2>&1 \
            || { cat "$LOGS/generate.log"; exit 2; }
        break
    fi
done

PORT=$(free_port)

SECRETS=$WORK/secrets.txt
{
    echo "# AGENCY = SECRET, generated by tools/chaos/run.sh --seed $seed"
    for k in $(seq 1 $ALL_AGENCIES); do
        echo "$k = chaos-$seed-$k-$RANDOM$RANDOM"
    done
} >"$SECRETS"
secret_of() {
    awk -F' = ' -v k="$1" '$1 == k { print $2 }' "$SECRETS"
}
# secrets_for N: the lines of agencies 1..N (a server refuses a secret of an agency outside its draw); prints the file.
secrets_for() {
    awk -F' = ' -v n="$1" '/^#/ || $1 <= n' "$SECRETS" >"$WORK/secrets-$1.txt"
    echo "$WORK/secrets-$1.txt"
}

# --tls: the CA, the server's certificate and one per agency, as a user gets them (generar-compose.sh FILE N --tls
# writes them in .secrets/tls/ beside FILE).
TLS_DIR=$WORK/tls/.secrets/tls
if [ "$tls" = 1 ]; then
    say "tls: certificates for $ALL_AGENCIES agencies (generar-compose.sh FILE $ALL_AGENCIES --tls)"
    mkdir -p "$WORK/tls"
    sh "$ROOT/generar-compose.sh" "$WORK/tls/compose.yaml" "$ALL_AGENCIES" --tls >"$LOGS/tls-generate.log" 2>&1 \
        || { cat "$LOGS/tls-generate.log"; exit 2; }
    java -jar "$SERVER_JAR" --help 2>&1 | grep -q SERVER_TLS_CERT \
        || { echo "run.sh: --tls, but $SERVER_JAR has no TLS (no SERVER_TLS_CERT in its --help)" >&2; exit 2; }
fi

# ---------------------------------------------------------------- processes

# --tls: the server's TLS settings (server_tls_plain=1: the plain lottery accepted too, certificates optional) and
# each client's certificate (tls_client_env ID [CERT_AGENCY]: that agency's files, by default its own).
server_tls_plain=0
server_tls_env() {
    [ "$tls" = 1 ] || return 0
    echo "SERVER_TLS_CERT=$TLS_DIR/server.pem SERVER_TLS_KEY=$TLS_DIR/server.key" \
        "SERVER_TLS_CLIENT_CA=$TLS_DIR/ca.pem SERVER_TLS_REVOKED=$TLS_DIR/revoked.txt"
    if [ "$server_tls_plain" = 1 ]; then
        echo "SERVER_TLS_ALLOW_PLAIN=true SERVER_TLS_CLIENT_AUTH=optional"
    fi
}
tls_client_env() {
    [ "$tls" = 1 ] || return 0
    echo "CLI_TLS_CA=$TLS_DIR/ca.pem CLI_TLS_CERT=$TLS_DIR/agency-${2:-$1}.pem CLI_TLS_KEY=$TLS_DIR/agency-${2:-$1}.key"
}

# start_server NAME STATE AGENCIES [PORT]: a server storing into STATE/bets.csv; sets server_pid and server_log.
# Waits (bounded) until it accepts connections. Runs in its own directory, so no config.ini is read.
start_server() {
    local name=$1 state=$2 agencies=$3 port=${4:-$PORT}
    server_starts=$((server_starts + 1))
    server_log=$LOGS/$name-server-$server_starts.log
    mkdir -p "$state" "$WORK/run-server"
    # shellcheck disable=SC2086,SC2046 # JAVA_OPTS is a list of options; the TLS settings are words (paths: mktemp)
    (cd "$WORK/run-server" && exec env SERVER_PORT="$port" SERVER_IP=127.0.0.1 LOGGING_LEVEL=INFO \
        SERVER_AGENCIES="$agencies" SERVER_STORAGE_PATH="$state/bets.csv" SERVER_FSYNC=true \
        SERVER_SECRETS_FILE="$(secrets_for "$agencies")" $(server_tls_env) \
        java $JAVA_OPTS -jar "$SERVER_JAR") >"$server_log" 2>&1 &
    server_pid=$!
    started+=("$server_pid")
    wait_for_line "$server_log" "action: accept_connections | result: in_progress" 30 "$server_pid"
}

# stop_server: SIGTERM (a graceful stop), SIGKILL after 15 s.
stop_server() {
    [ -n "$server_pid" ] || return 0
    kill "$server_pid" 2>/dev/null
    wait_exit 15 "$server_pid" || kill -9 "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=
}

# start_client ID DATA_FILE LOG [SECRET [CERT_AGENCY]]: a real agency client (lottery mode); sets last_pid. With
# --tls it presents agency CERT_AGENCY's certificate (default its own). (Not called in $(...): the process must be
# this shell's child, for `wait` to give its exit status.)
start_client() {
    local id=$1 file=$2 log=$3 secret=${4-$(secret_of "$1")} cert_agency=${5:-$1}
    mkdir -p "$WORK/run-client"
    # shellcheck disable=SC2086,SC2046 # JAVA_OPTS is a list of options; the TLS settings are words (paths: mktemp)
    (cd "$WORK/run-client" && exec env CLI_ID="$id" CLI_SERVER_ADDRESS="127.0.0.1:$PORT" CLI_LOG_LEVEL=INFO \
        CLI_MODE=lottery CLI_LOOP_AMOUNT=1 CLI_LOOP_PERIOD=1s CLI_DATA_FILE="$file" CLI_CONNECT_TIMEOUT=60s \
        CLI_RECONNECT_TIMEOUT=120s CLI_WINNERS_TIMEOUT=120s CLI_AUTH_SECRET="$secret" \
        $(tls_client_env "$id" "$cert_agency") java $JAVA_OPTS -jar "$CLIENT_JAR") >"$log" 2>&1 &
    last_pid=$!
    started+=("$last_pid")
}

# start_loadgen LOG OUT_DIR ARGS...: the synthetic agencies; sets last_pid.
start_loadgen() {
    local log=$1 out=$2
    shift 2
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    java $JAVA_OPTS -jar "$LOADGEN_JAR" --server "127.0.0.1:$PORT" --seed "$seed" --out "$out" "$@" >"$log" 2>&1 &
    last_pid=$!
    started+=("$last_pid")
}

# wait_exit SECONDS PID...: until every PID has exited (true) or the time is up (false).
wait_exit() {
    local seconds=$1 i pid alive
    shift
    for ((i = 0; i < seconds * 10; i++)); do
        alive=0
        for pid in "$@"; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done
        [ "$alive" = 0 ] && return 0
        sleep 0.1
    done
    return 1
}

# status_of PID: its exit status; one still running (a wait that timed out) is killed first, so this never blocks:
# its status is then 137.
status_of() {
    kill -0 "$1" 2>/dev/null && kill -9 "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    echo $?
}

# ---------------------------------------------------------------- what the files must say

# agency_rows ID FILE: the rows the server must store for that agency file (bets.csv format, no CR).
agency_rows() {
    tr -d '\r' <"$2" | awk -v k="$1" 'NF { print k "," $0 }'
}

# stored_rows STATE: the bets file's rows, no CR ("" when there is no file).
stored_rows() {
    [ -f "$1/bets.csv" ] && tr -d '\r' <"$1/bets.csv"
    true
}

# same_rows NAME EXPECTED_FILE STATE: PASS when the stored rows equal EXPECTED_FILE's as a multiset.
same_rows() {
    local name=$1 expected=$2 state=$3 missing extra
    LC_ALL=C sort "$expected" >"$expected.sorted"
    stored_rows "$state" | LC_ALL=C sort >"$state/stored.sorted"
    if cmp -s "$expected.sorted" "$state/stored.sorted"; then
        pass "$name"
    else
        missing=$(LC_ALL=C comm -23 "$expected.sorted" "$state/stored.sorted" | wc -l)
        extra=$(LC_ALL=C comm -13 "$expected.sorted" "$state/stored.sorted" | wc -l)
        fail "$name" "bets.csv differs from what the agencies sent: $missing rows missing, $extra rows extra or\
 duplicated ($(wc -l <"$expected.sorted") expected, $(wc -l <"$state/stored.sorted") stored)"
    fi
}

# winners_in FILE: bets on the winning number in an agency file (course format: number last).
winners_in() {
    tr -d '\r' <"$1" | awk -F, -v n="$WINNING_NUMBER" '$NF == n' | wc -l
}

# client_winners LOG: the cant_ganadores the client logged ("none" if it did not).
client_winners() {
    local n
    n=$(grep -F 'action: consulta_ganadores | result: success' "$1" | sed -n 's/.*cant_ganadores: \([0-9]*\).*/\1/p' |
        tail -n 1)
    echo "${n:-none}"
}

# check_client NAME LOG PID DATA_FILE: the client exited 0 and reported the file's winners.
check_client() {
    local name=$1 log=$2 pid=$3 file=$4 status got want
    status=$(status_of "$pid")
    check "$name exit status" "exited $status, not 0 (log: $log)" [ "$status" = 0 ]
    got=$(client_winners "$log")
    want=$(winners_in "$file")
    check "$name winners" "reported $got winners, its file has $want bets on $WINNING_NUMBER" [ "$got" = "$want" ]
}

# check_loadgen_winners NAME OUT_DIR: winners.txt says, per agency, the 7574 bets of expected.csv.
check_loadgen_winners() {
    local name=$1 out=$2 diffs
    diffs=$(awk -F, -v n="$WINNING_NUMBER" '
        FNR == NR { sub(/\r$/, ""); if ($NF == n) want[$1]++; agencies[$1] = 1; next }
        { split($0, f, " "); got[f[1]] = f[2] }
        END {
            for (a in agencies) {
                g = a in got ? got[a] : "none"
                if (g != want[a] + 0 && ++bad <= 3) printf "agency %s got %s winners, bet %d times on %s; ", a, g, want[a], n
            }
            if (bad > 3) printf "%d agencies wrong in all", bad
        }' "$out/expected.csv" "$out/winners.txt")
    check "$name winners" "$diffs" [ -z "$diffs" ]
}

draws() {
    cat "$LOGS"/"$1"-server-*.log 2>/dev/null | grep -cF 'action: sorteo | result: success'
}

# ---------------------------------------------------------------- scenarios

# The main one: 5 real clients + 50 synthetic agencies while the server is killed K times.
scenario_kills() {
    local state=$WORK/kills/state expected=$WORK/kills/expected.csv out=$WORK/kills/loadgen i k ms delay
    local -a clients=()
    mkdir -p "$WORK/kills"
    say "kills: server for $ALL_AGENCIES agencies, $REAL_AGENCIES clients + loadgen 6..$ALL_AGENCIES" \
        "($loadgen_bets bets each), $kills kills"
    if [ "$tls" = 1 ]; then
        # lottery-loadgen speaks no TLS: its agencies come in plain, with their secrets; the real clients use TLS.
        server_tls_plain=1
        say "kills: TLS on; clients 1-$REAL_AGENCIES over mutual TLS, loadgen agencies in plain text (allowed)"
    fi
    start_server kills "$state" "$ALL_AGENCIES" || { fail kills "server did not start (log: $server_log)"; return; }
    for k in $(seq 1 $REAL_AGENCIES); do
        start_client "$k" "$DATA/agency-$k.csv" "$LOGS/kills-client-$k.log"
        clients+=("$last_pid")
    done
    # Paced so that the synthetic agencies' ingest lasts about KILL_CYCLE_MS per kill (a kill cycle is a restart,
    # 1-3 s here, plus the 0.3-1.5 s pause): every kill falls in the ingest, not after the draw.
    local batches=$((loadgen_bets / 163 + 1))
    start_loadgen "$LOGS/kills-loadgen.log" "$out" --agencies "6..$ALL_AGENCIES" --bets "$loadgen_bets" \
        --secrets "$SECRETS" --in-flight 8 --timeout-seconds "$run_timeout" \
        --pace-ms $((kills * KILL_CYCLE_MS / batches))
    local loadgen=$last_pid
    local done_kills=0
    for ((i = 1; i <= kills; i++)); do
        ms=$((300 + RANDOM % 1201)) # 0.3 .. 1.5 s after the previous (re)start
        delay=$((ms / 1000)).$(printf '%03d' $((ms % 1000)))
        sleep "$delay"
        # A kill after the draw would end the round (the restarted server archives a complete round and starts a
        # new one): that is the design, not a fault to test, so the kills stop once the draw has run.
        if [ "$(draws kills)" != 0 ]; then
            say "kills: the draw has run, no more kills ($done_kills done)"
            break
        fi
        kill -9 "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
        done_kills=$((done_kills + 1))
        say "kills: kill -9 #$done_kills after ${delay}s, restarting"
        start_server kills "$state" "$ALL_AGENCIES" || { fail kills "server did not restart (log: $server_log)"; return; }
    done
    check "kills count" "only $done_kills of $kills kills happened before the draw (a slow machine: raise \
CHAOS_KILL_CYCLE_MS, now $KILL_CYCLE_MS)" [ "$done_kills" = "$kills" ]
    say "kills: $(cat "$LOGS"/kills-server-*.log | grep -cF 'action: resume_round | result: success') resumed" \
        "rounds, $(cat "$LOGS"/kills-server-*.log | grep -cF 'action: repair_bets | result: success') torn tails" \
        "repaired, $(cat "$LOGS"/kills-client-*.log | grep -ciE 'reconnect') client reconnection lines"
    if ! wait_exit $((run_timeout + 60)) "${clients[@]}" "$loadgen"; then
        fail kills "clients still running after $((run_timeout + 60)) s"
    fi
    for k in $(seq 1 $REAL_AGENCIES); do
        check_client "kills client $k" "$LOGS/kills-client-$k.log" "${clients[$((k - 1))]}" "$DATA/agency-$k.csv"
    done
    local status
    status=$(status_of "$loadgen")
    check "kills loadgen exit status" "exited $status (log: $LOGS/kills-loadgen.log)" [ "$status" = 0 ]
    { for k in $(seq 1 $REAL_AGENCIES); do agency_rows "$k" "$DATA/agency-$k.csv"; done
      [ -f "$out/expected.csv" ] && tr -d '\r' <"$out/expected.csv"; } >"$expected"
    same_rows "kills exactly-once rows" "$expected" "$state"
    check "kills one draw" "$(draws kills) 'action: sorteo | result: success' lines in the server logs, not 1" \
        [ "$(draws kills)" = 1 ]
    if [ -f "$out/winners.txt" ]; then
        check_loadgen_winners "kills loadgen" "$out"
    else
        fail "kills loadgen winners" "no $out/winners.txt"
    fi
    check "kills no archive" "the server archived a round during the run: $(ls "$state")" \
        [ -z "$(find "$state" -name 'bets-*' -print -quit)" ]
    if [ "$tls" = 1 ]; then
        local starts tls_lines
        starts=$(find "$LOGS" -name 'kills-server-*.log' | wc -l)
        tls_lines=$(cat "$LOGS"/kills-server-*.log | grep -cF 'action: tls | result: success')
        check "kills TLS on at every start" "$tls_lines 'action: tls | result: success' lines for $starts starts" \
            [ "$tls_lines" = "$starts" ]
        check "kills no failed TLS handshake" "$(cat "$LOGS"/kills-server-*.log | grep -F 'action: tls_handshake' \
            | head -n 1)" [ "$(cat "$LOGS"/kills-server-*.log | grep -cF 'action: tls_handshake | result: fail')" = 0 ]
        server_tls_plain=0
    fi
    stop_server
}

# The same agency twice in a row: the second run resumes, stores nothing, exits 0 with the same winners.
scenario_same_agency_twice() {
    local state=$WORK/twice/state file=$DATA/agency-4.csv first second before after
    mkdir -p "$WORK/twice"
    say "same_agency_twice: agency 1 (agency-4.csv) twice on a server for 1 agency"
    start_server twice "$state" 1 || { fail same_agency_twice "server did not start (log: $server_log)"; return; }
    start_client 1 "$file" "$LOGS/twice-client-a.log"
    first=$last_pid
    wait_exit 120 "$first" || fail same_agency_twice "first run still running after 120 s"
    check_client "same_agency_twice first run" "$LOGS/twice-client-a.log" "$first" "$file"
    before=$(cksum <"$state/bets.csv" 2>/dev/null)
    start_client 1 "$file" "$LOGS/twice-client-b.log"
    second=$last_pid
    wait_exit 120 "$second" || fail same_agency_twice "second run still running after 120 s"
    check_client "same_agency_twice second run" "$LOGS/twice-client-b.log" "$second" "$file"
    after=$(cksum <"$state/bets.csv" 2>/dev/null)
    check "same_agency_twice stores nothing again" "bets.csv changed during the second run" [ "$before" = "$after" ]
    agency_rows 1 "$file" >"$WORK/twice/expected.csv"
    same_rows "same_agency_twice rows" "$WORK/twice/expected.csv" "$state"
    check "same_agency_twice one draw" "$(draws twice) draws" [ "$(draws twice)" = 1 ]
    stop_server
}

# Two clients with the same CLI_ID at once: one session at a time (AGENCY_BUSY, retried), every row once.
scenario_same_id_at_once() {
    local state=$WORK/sameid/state file=$DATA/agency-3.csv a b
    mkdir -p "$WORK/sameid"
    say "same_id_at_once: two clients as agency 1 (agency-3.csv) at once"
    start_server sameid "$state" 1 || { fail same_id_at_once "server did not start (log: $server_log)"; return; }
    start_client 1 "$file" "$LOGS/sameid-client-a.log"
    a=$last_pid
    start_client 1 "$file" "$LOGS/sameid-client-b.log"
    b=$last_pid
    wait_exit 180 "$a" "$b" || fail same_id_at_once "clients still running after 180 s"
    check_client "same_id_at_once client a" "$LOGS/sameid-client-a.log" "$a" "$file"
    check_client "same_id_at_once client b" "$LOGS/sameid-client-b.log" "$b" "$file"
    agency_rows 1 "$file" >"$WORK/sameid/expected.csv"
    same_rows "same_id_at_once exactly-once rows" "$WORK/sameid/expected.csv" "$state"
    check "same_id_at_once one draw" "$(draws sameid) draws" [ "$(draws sameid)" = 1 ]
    stop_server
}

# A second server on the same storage while one runs: it refuses to start (lock) and touches nothing.
scenario_second_server() {
    local state=$WORK/second/state first_pid before after second_pid status a b
    mkdir -p "$WORK/second"
    say "second_server: a second server on the first one's storage"
    start_server second "$state" 2 || { fail second_server "server did not start (log: $server_log)"; return; }
    first_pid=$server_pid
    start_client 1 "$DATA/agency-5.csv" "$LOGS/second-client-1.log"
    a=$last_pid
    # Agency 1 stores its bets, finishes and waits for the draw (agency 2 has not come yet): the files now hold
    # something and stay as they are until agency 2 comes. The second's pause lets the last write land.
    wait_for_line "$server_log" "action: finish | result: success | agency: 1" 60 \
        || fail second_server "agency 1 did not finish within 60 s"
    sleep 1
    before=$(cd "$state" && ls -l --time-style=+%s.%N && cksum ./*)
    local port2
    port2=$(free_port)
    start_server second "$state" 2 "$port2" # returns as soon as it has exited
    second_pid=$server_pid
    server_pid=$first_pid
    if wait_exit 30 "$second_pid"; then
        status=$(status_of "$second_pid")
        check "second_server exits 1" "exited $status" [ "$status" = 1 ]
    else
        fail "second_server exits 1" "still running after 30 s"
        kill -9 "$second_pid" 2>/dev/null
        wait "$second_pid" 2>/dev/null
    fi
    check "second_server lock_storage line" "no 'action: lock_storage | result: fail' in $server_log" \
        grep -qF 'action: lock_storage | result: fail' "$server_log"
    after=$(cd "$state" && ls -l --time-style=+%s.%N && cksum ./*)
    check "second_server touches nothing" "the state directory changed while only the second server ran" \
        [ "$before" = "$after" ]
    start_client 2 "$DATA/agency-4.csv" "$LOGS/second-client-2.log"
    b=$last_pid
    wait_exit 120 "$a" "$b" || fail second_server "clients still running after 120 s"
    check_client "second_server client 1" "$LOGS/second-client-1.log" "$a" "$DATA/agency-5.csv"
    check_client "second_server client 2" "$LOGS/second-client-2.log" "$b" "$DATA/agency-4.csv"
    { agency_rows 1 "$DATA/agency-5.csv"; agency_rows 2 "$DATA/agency-4.csv"; } >"$WORK/second/expected.csv"
    same_rows "second_server rows" "$WORK/second/expected.csv" "$state"
    check "second_server one draw" "$(draws second) draws" [ "$(draws second)" = 1 ]
    stop_server
}

# An impersonator: a HELLO with a wrong secret is refused with AUTHENTICATION_FAILED and stores nothing.
scenario_impersonator() {
    local state=$WORK/impostor/state wrong=$WORK/impostor/wrong-secrets.txt pid status out=$WORK/impostor
    mkdir -p "$out"
    say "impersonator: agency 2 with a wrong secret"
    start_server impostor "$state" 2 || { fail impersonator "server did not start (log: $server_log)"; return; }
    echo "2 = not-the-secret-$RANDOM" >"$wrong"
    start_loadgen "$LOGS/impostor-loadgen.log" "$out/bad" --agencies 2..2 --bets 50 --secrets "$wrong" \
        --timeout-seconds 20
    pid=$last_pid
    wait_exit 40 "$pid" || fail impersonator "loadgen still running after 40 s"
    status=$(status_of "$pid")
    check "impersonator refused" "loadgen exited $status, not 1" [ "$status" = 1 ]
    check "impersonator AUTHENTICATION_FAILED" "no AUTHENTICATION_FAILED in $LOGS/impostor-loadgen.log" \
        grep -qF 'AUTHENTICATION_FAILED' "$LOGS/impostor-loadgen.log"
    check "impersonator stores nothing" "bets.csv has $(stored_rows "$state" | wc -l) rows" \
        [ "$(stored_rows "$state" | wc -l)" = 0 ]
    # The lottery still completes right with the real secrets.
    start_loadgen "$LOGS/impostor-loadgen-ok.log" "$out/ok" --agencies 1..2 --bets 500 --secrets "$SECRETS" \
        --timeout-seconds 60
    pid=$last_pid
    wait_exit 90 "$pid" || fail impersonator "loadgen still running after 90 s"
    status=$(status_of "$pid")
    check "impersonator then the real agencies" "loadgen exited $status" [ "$status" = 0 ]
    tr -d '\r' <"$out/ok/expected.csv" >"$out/expected.csv" 2>/dev/null
    same_rows "impersonator rows" "$out/expected.csv" "$state"
    stop_server
}

# --tls: agency 2's certificate claiming agency 1 (with agency 1's right secret), then a plain agency 2 with its
# right secret: both refused, nothing stored; then agencies 1 and 2 with their own certificates complete the lottery.
scenario_impersonator_tls() {
    local state=$WORK/impostor/state out=$WORK/impostor pid status
    mkdir -p "$out"
    say "impersonator (TLS): agency 2's certificate claiming agency 1; a plain agency 2 with its secret"
    start_server impostor "$state" 2 || { fail impersonator "server did not start (log: $server_log)"; return; }
    start_client 1 "$DATA/agency-4.csv" "$LOGS/impostor-client-cert-of-2.log" "$(secret_of 1)" 2
    pid=$last_pid
    wait_exit 60 "$pid" || fail impersonator "the client with agency 2's certificate still running after 60 s"
    status=$(status_of "$pid")
    check "impersonator certificate of agency 2 as agency 1 refused" "the client exited $status" [ "$status" != 0 ]
    check "impersonator AUTHENTICATION_FAILED (certificate)" \
        "no AUTHENTICATION_FAILED in $LOGS/impostor-client-cert-of-2.log" \
        grep -qF 'AUTHENTICATION_FAILED' "$LOGS/impostor-client-cert-of-2.log"
    check "impersonator stores nothing (certificate)" "bets.csv has $(stored_rows "$state" | wc -l) rows" \
        [ "$(stored_rows "$state" | wc -l)" = 0 ]
    start_loadgen "$LOGS/impostor-loadgen-plain.log" "$out/plain" --agencies 2..2 --bets 50 --secrets "$SECRETS" \
        --timeout-seconds 20
    pid=$last_pid
    wait_exit 40 "$pid" || fail impersonator "the plain loadgen still running after 40 s"
    status=$(status_of "$pid")
    check "impersonator plain agency refused" "loadgen exited $status, not 1" [ "$status" = 1 ]
    check "impersonator TLS_REQUIRED" "no TLS_REQUIRED in $LOGS/impostor-loadgen-plain.log" \
        grep -qF 'TLS_REQUIRED' "$LOGS/impostor-loadgen-plain.log"
    check "impersonator stores nothing (plain)" "bets.csv has $(stored_rows "$state" | wc -l) rows" \
        [ "$(stored_rows "$state" | wc -l)" = 0 ]
    local a b
    start_client 1 "$DATA/agency-4.csv" "$LOGS/impostor-client-1.log"
    a=$last_pid
    start_client 2 "$DATA/agency-5.csv" "$LOGS/impostor-client-2.log"
    b=$last_pid
    wait_exit 120 "$a" "$b" || fail impersonator "clients still running after 120 s"
    check_client "impersonator then agency 1" "$LOGS/impostor-client-1.log" "$a" "$DATA/agency-4.csv"
    check_client "impersonator then agency 2" "$LOGS/impostor-client-2.log" "$b" "$DATA/agency-5.csv"
    { agency_rows 1 "$DATA/agency-4.csv"; agency_rows 2 "$DATA/agency-5.csv"; } >"$out/expected.csv"
    same_rows "impersonator rows" "$out/expected.csv" "$state"
    stop_server
}

say "seed $seed, work directory $WORK, port $PORT${tls:+}$([ "$tls" = 1 ] && echo ", TLS on")"
for name in "${scenarios[@]}"; do
    case $name in
        impersonator) if [ "$tls" = 1 ]; then scenario_impersonator_tls; else scenario_impersonator; fi ;;
        kills | same_agency_twice | same_id_at_once | second_server) "scenario_$name" ;;
        *) fail "$name" "no such scenario" ;;
    esac
    stop_server
done
summary

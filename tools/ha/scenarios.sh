#!/usr/bin/env bash
# Database failure scenarios (issue 19): the lottery on the high-availability set-up of tools/ha/cluster.sh (three etcd
# members, two PostgreSQL 15 nodes under Patroni, synchronous replication), two lottery servers on the multi-host URL,
# the 5 course agencies (real clients, dataset.zip) and 50 synthetic ones (lottery-loadgen), while something in the
# database tier fails mid-ingest. Each scenario checks what the chaos test checks: the table's rows are the bets sent
# (as a multiset, read back by `lottery-server --export-bets`), one `sorteo` over both servers, every agency got its
# own winners, and every agency exited 0 by itself (never rerun).
#
#   bash tools/ha/scenarios.sh [--keep] [--bets N] [SCENARIO...]
#
#   restart_fast_3s       Patroni paused, the primary stopped with pg_ctl -m fast, started again 3 s later
#   restart_immediate_3s  the same with -m immediate (a crash: recovery from the WAL at the start)
#   restart_fast_20s      -m fast, 20 s down
#   restart_immediate_20s -m immediate, 20 s down
#   failover              kill -9 of the primary's Patroni, postmaster and every backend (a host lost): Patroni
#                         promotes the synchronous standby once the leader key expires (ttl 10 s)
#   failover_draw         the same while the draw's transaction runs (a psql session holds a lock on the winner table
#                         so that the draw waits inside its transaction; the primary is killed once it does)
#   etcd_leader           kill -9 of the etcd member that is Raft leader (two of three remain)
#   freeze                every process of the primary's PostgreSQL frozen (SIGSTOP, Patroni paused) for
#                         SERVER_PG_OUTAGE_SECONDS + 10 s, bound 5 s: agencies get DATABASE_UNAVAILABLE(24), reconnect,
#                         resume and complete once it is thawed
#   throughput            64 agencies x 20,000 bets (--tp-bets), 2 servers, on (a) one PostgreSQL 15 (initdb, same
#                         machine, default durability) and (b) this Patroni cluster: bets/s and the ratio b/a
#   (default: every scenario above but throughput; `all`: every one)
#
#   --keep     keep the work directory (it is kept anyway when a check fails)
#   --bets N   bets per synthetic agency (default 2000; their sending is paced so that the ingest lasts ~8 s)
#   --tp-bets N  bets per agency of the throughput scenario (default 20000)
#
# Per scenario it prints the figures the issue asks for: agencies failed, rows lost / doubled, the stall as the
# agencies saw it (the synthetic agencies' longest wait of a batch for its Ack, the loadgen's ack_max_ms: the last Ack
# before the failure to the first after, plus the send; and draw_wait_s, their last batch Ack to the last winners, the
# stall of a failure during the draw), their reconnections, the outages the servers logged, and the database's own outage: a probe
# (tools/ha/probe.py: one INSERT per 0.1 s through a multi-host connection string with target_session_attrs=read-write)
# gives the time from the failure to the first commit accepted after it (the failover time).
# After each scenario the cluster is healed (the killed node or member restarted, both nodes healthy again) for the next.
#
# Needs root or a user that can run PostgreSQL (tools/ha/install.sh installs the packages: postgresql-15, patroni,
# etcd-server, etcd-client), java 17, python3, curl, unzip or python3 (the course zip); builds the jars with Maven
# only when one is missing. Exit 0 all checks passed, 1 a check failed (work directory kept), 2 a prerequisite missing.
# Every wait is bounded; every process it starts is stopped on exit.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
# shellcheck source=tools/lib.sh
. tools/lib.sh
# shellcheck source=tools/ha/lib.sh
. tools/ha/lib.sh
SAY_TAG=ha

SERVER_JAR=$ROOT/lottery-server/target/lottery-server.jar
CLIENT_JAR=$ROOT/lottery-client/target/lottery-client.jar
LOADGEN_JAR=$ROOT/lottery-loadgen/target/lottery-loadgen.jar
COURSE_ZIP=$ROOT/../shared/data/dataset.zip
JAVA_OPTS=${HA_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}
WINNING_NUMBER=7574
REAL_AGENCIES=5
ALL_AGENCIES=55
# The servers' outage bound in the scenarios where the database comes back (or fails over) within it: no agency
# should see an error there. The freeze scenario sets its own, shorter one.
OUTAGE_SECONDS=${HA_OUTAGE_SECONDS:-60}
FREEZE_BOUND=5

keep=0
bets=2000
tp_bets=20000
scenarios=()
while [ $# -gt 0 ]; do
    case $1 in
        --keep) keep=1; shift ;;
        --bets) bets=${2:?--bets needs a value}; shift 2 ;;
        --tp-bets) tp_bets=${2:?--tp-bets needs a value}; shift 2 ;;
        -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "scenarios.sh: unknown option $1 (--help)" >&2; exit 2 ;;
        *) scenarios+=("$1"); shift ;;
    esac
done
if ! [[ $bets =~ ^[0-9]+$ && $tp_bets =~ ^[0-9]+$ ]] || [ "$bets" -lt 100 ] || [ "$tp_bets" -lt 100 ]; then
    echo "scenarios.sh: --bets and --tp-bets are numbers >= 100" >&2
    exit 2
fi
default_set=(restart_fast_3s restart_immediate_3s restart_fast_20s restart_immediate_20s failover failover_draw
    etcd_leader freeze)
[ ${#scenarios[@]} -gt 0 ] || scenarios=("${default_set[@]}")
[ "${scenarios[*]}" != all ] || scenarios=("${default_set[@]}" throughput)

bash tools/ha/install.sh || exit 2
for tool in java python3 curl setsid; do
    command -v "$tool" >/dev/null || { echo "scenarios.sh: needs $tool" >&2; exit 2; }
done

# The probe needs psycopg2: Debian's python3-psycopg2 (a dependency of patroni) is for the system's python3, which a
# python3 earlier on the PATH (pyenv, a venv) may not see.
PROBE_PYTHON=python3
for py in /usr/bin/python3 python3; do
    if "$py" -c 'import psycopg2' 2>/dev/null; then PROBE_PYTHON=$py; break; fi
done
"$PROBE_PYTHON" -c 'import psycopg2' 2>/dev/null || { echo "scenarios.sh: needs psycopg2 (python3-psycopg2)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lottery-ha.XXXXXX") || exit 2
chmod 755 "$WORK"
LOGS=$WORK/logs
mkdir -p "$LOGS"
HA_DIR=$WORK/cluster
started=()  # every lottery process (servers, clients, loadgen) and the probe: killed on exit
frozen=()   # PostgreSQL processes a scenario froze: thawed on exit
single_pg=  # the throughput scenario's lone PostgreSQL (data directory)
servers=()  # the running lottery servers' pids
addresses=() # and their HOST:PORT
probe_pid=

cleanup() {
    local pid
    for pid in "${frozen[@]}"; do kill -CONT "$pid" 2>/dev/null; done
    for pid in "${started[@]}"; do kill -9 "$pid" 2>/dev/null; done
    for pid in "${started[@]}"; do wait "$pid" 2>/dev/null; done
    if [ -n "$single_pg" ]; then
        ha_as_pg timeout 40 "$HA_PG_BIN/pg_ctl" -D "$single_pg" -m immediate -w -t 30 stop >/dev/null 2>&1
    fi
    ha_down
    keep_or_remove_work "$WORK" "$keep"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- set-up: jars, data, cluster

build_jars "$LOGS/build.log" "$SERVER_JAR" "$CLIENT_JAR" "$LOADGEN_JAR"
DATA=$WORK/data
agency_data "$DATA" "$REAL_AGENCIES" "$COURSE_ZIP" "$LOGS/generate.log"

# ---------------------------------------------------------------- helpers

# now_ms: the wall clock in milliseconds.
now_ms() { date +%s%3N; }

# wait_exit SECONDS PID...: until every PID has exited (true) or the time is up (false).
wait_exit() { ha_wait_gone "$@"; }

# status_of PID: its exit status (a process still running is killed first: 137).
status_of() {
    kill -0 "$1" 2>/dev/null && kill -9 "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    echo $?
}

# reset_db: a fresh database lottery on the primary (and so on the standby).
reset_db() {
    local leader
    leader=$(ha_leader) || return 1
    HA_DB=postgres ha_psql "$leader" "DROP DATABASE IF EXISTS lottery WITH (FORCE)" >/dev/null &&
        HA_DB=postgres ha_psql "$leader" "CREATE DATABASE lottery" >/dev/null
}

# start_servers NAME URL BOUND AGENCIES: two lottery servers on URL, one after the other (the first applies the
# schema); sets servers and addresses. False when one does not start within 60 s.
start_servers() {
    local name=$1 url=$2 bound=$3 agencies=$4 i port log
    servers=()
    addresses=()
    for i in 1 2; do
        port=$(free_port)
        log=$LOGS/$name-server$i.log
        mkdir -p "$WORK/$name/storage$i"
        # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
        (cd "$WORK/$name/storage$i" && SERVER_PORT=$port SERVER_IP=127.0.0.1 LOGGING_LEVEL=INFO \
            SERVER_AGENCIES=$agencies SERVER_STORE=postgres SERVER_PG_URL=$url SERVER_PG_USER=postgres \
            SERVER_PG_PASSWORD='' SERVER_PG_OUTAGE_SECONDS=$bound SERVER_STORAGE_PATH=$WORK/$name/storage$i/bets.csv \
            exec java ${SERVER_JAVA_OPTS:-$JAVA_OPTS} -jar "$SERVER_JAR") >"$log" 2>&1 &
        servers+=($!)
        started+=($!)
        addresses+=("127.0.0.1:$port")
        wait_for_line "$log" 'action: accept_connections | result: in_progress' 60 "${servers[-1]}" \
            || { tail -5 "$log" >&2; return 1; }
    done
}

# stop_servers: SIGTERM both, SIGKILL after 20 s.
stop_servers() {
    local pid
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null; done
    wait_exit 20 "${servers[@]}" || for pid in "${servers[@]}"; do kill -9 "$pid" 2>/dev/null; done
    for pid in "${servers[@]}"; do wait "$pid" 2>/dev/null; done
    servers=()
}

# start_client ID FILE LOG ADDRESS: a real agency client (lottery mode); sets last_pid.
start_client() {
    mkdir -p "$WORK/run-client"
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    (cd "$WORK/run-client" && CLI_ID=$1 CLI_SERVER_ADDRESS=$4 CLI_LOG_LEVEL=INFO CLI_MODE=lottery \
        CLI_LOOP_AMOUNT=1 CLI_LOOP_PERIOD=1s CLI_DATA_FILE=$2 CLI_CONNECT_TIMEOUT=60s \
        CLI_RECONNECT_TIMEOUT=180s CLI_WINNERS_TIMEOUT=180s exec java $JAVA_OPTS -jar "$CLIENT_JAR") >"$3" 2>&1 &
    last_pid=$!
    started+=("$last_pid")
}

# probe_start NAME: tools/ha/probe.py (one commit per 0.1 s through whichever node is primary) into LOGS/NAME-probe.log.
probe_start() {
    "$PROBE_PYTHON" tools/ha/probe.py "$HA_PG_1,$HA_PG_2" 900 "$LOGS/$1-probe.log" 2>"$LOGS/$1-probe.err" &
    probe_pid=$!
    started+=("$probe_pid")
}

probe_stop() {
    [ -n "$probe_pid" ] && kill "$probe_pid" 2>/dev/null && wait "$probe_pid" 2>/dev/null
    probe_pid=
}

# probe_gap NAME T_MS: the database's outage as a client that only commits saw it, from the probe's lines: the
# longest gap between two accepted commits where the second comes after the failure (T_MS), with where it lies.
probe_gap() {
    awk -v t="$2" '
        $2 != "ok" { next }
        prev && $1 > t && $1 - prev > gap { gap = $1 - prev; from = prev; to = $1 }
        { prev = $1 }
        END {
            if (!gap) { print "no commit accepted after the failure"; exit }
            printf "longest gap between two accepted commits %.1f s (from %+.1f s to %+.1f s of the failure)", gap / 1000, (from - t) / 1000, (to - t) / 1000
        }' "$LOGS/$1-probe.log"
}

# wait_rows N SECONDS: until the synthetic agencies (6..) have at least N bets stored (read on the primary), bounded.
wait_rows() {
    local tenths=$(($2 * 10)) leader n
    while [ "$tenths" -gt 0 ]; do
        leader=$(ha_leader) && n=$(ha_psql "$leader" "SELECT coalesce(sum(stored), 0) FROM agency
            WHERE agency > $REAL_AGENCIES" 2>/dev/null) && [ "${n:-0}" -ge "$1" ] && return 0
        sleep 0.2
        tenths=$((tenths - 2))
    done
    return 1
}

# kill_node NODE: kill -9 of node NODE's Patroni, postmaster and every PostgreSQL process (a lost host).
kill_node() {
    local pm pids=()
    pids+=("$(ha_patroni_pid "$1")")
    if pm=$(ha_postmaster "$1"); then
        pids+=("$pm")
        # shellcheck disable=SC2207 # pids, one word each
        pids+=($(ps -o pid= --ppid "$pm"))
    fi
    kill -9 "${pids[@]}" 2>/dev/null
}

# node_pids NODE: the postmaster of NODE and its children.
node_pids() {
    local pm
    pm=$(ha_postmaster "$1") || return 1
    echo "$pm"
    ps -o pid= --ppid "$pm"
}

# heal: both nodes' Patroni and every etcd member running, a primary and its synchronous standby (bounded 120 s).
heal() {
    local i pid
    ha_patronictl resume --wait >/dev/null 2>&1
    for ((i = 1; i <= HA_ETCD; i++)); do
        pid=$(cat "$HA_DIR/etcd$i.pid" 2>/dev/null)
        kill -0 "$pid" 2>/dev/null || { say "heal: etcd member $i restarted"; ha_start_etcd "$i"; }
    done
    for ((i = 1; i <= HA_NODES; i++)); do
        ha_patroni_pid "$i" >/dev/null || { say "heal: node $i's Patroni restarted"; ha_start_patroni "$i"; }
    done
    ha_wait_healthy 120 || { fail heal "no primary with a synchronous standby 120 s after the scenario"; return 1; }
}

# agency_rows ID FILE: the rows the server must store for that agency file (bets.csv format, no CR).
agency_rows() {
    tr -d '\r' <"$2" | awk -v k="$1" 'NF { print k "," $0 }'
}

winners_in() {
    tr -d '\r' <"$1" | awk -F, -v n="$WINNING_NUMBER" '$NF == n' | wc -l
}

client_winners() {
    local n
    n=$(grep -F 'action: consulta_ganadores | result: success' "$1" | sed -n 's/.*cant_ganadores: \([0-9]*\).*/\1/p' |
        tail -n 1)
    echo "${n:-none}"
}

# json_field FILE NAME: one field of the loadgen's JSON report ("?" when absent).
json_field() {
    python3 -c 'import json,sys
try: print(json.load(open(sys.argv[1])).get(sys.argv[2], "?"))
except Exception: print("?")' "$1" "$2"
}

# export_rows NAME URL OUT: the round's rows through lottery-server --export-bets (the course's load_bets view).
export_rows() {
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    SERVER_PORT=1 SERVER_AGENCIES=$ALL_AGENCIES SERVER_STORE=postgres SERVER_PG_URL=$2 SERVER_PG_USER=postgres \
        SERVER_PG_PASSWORD='' LOGGING_LEVEL=WARN timeout 120 java $JAVA_OPTS -jar "$SERVER_JAR" --export-bets "$3" \
        >"$LOGS/$1-export.log" 2>&1
}

# ---------------------------------------------------------------- one lottery with one failure

# run_lottery NAME BOUND FAULT: the lottery (2 servers, 5 course clients, 50 synthetic agencies) with FAULT (a
# function, called once a quarter of the synthetic agencies' bets are stored, i.e. mid-ingest; it sets fault_ms, the
# moment of the failure) and every check. PAUSE=1: Patroni paused from before the lottery to after it (the failure
# then acts on PostgreSQL alone: no restart nor failover by Patroni), so that pausing costs the fault no time.
run_lottery() {
    local name=$1 bound=$2 fault=$3 url k out=$WORK/$1/loadgen lg status agencies_failed=0 quarter
    local -a clients=()
    mkdir -p "$WORK/$name"
    say "$name: 2 servers on $(ha_url | sed 's/?.*//'), $REAL_AGENCIES course agencies + loadgen 6..$ALL_AGENCIES" \
        "($bets bets each), outage bound $bound s"
    url=$(ha_url)
    reset_db || { fail "$name" "cannot recreate the database lottery"; return; }
    if [ "${PAUSE:-0}" = 1 ]; then
        ha_patronictl pause --wait >"$LOGS/$name-pause.log" 2>&1 || { fail "$name" "patronictl pause failed"; return; }
    fi
    start_servers "$name" "$url" "$bound" "$ALL_AGENCIES" || { fail "$name" "the servers did not start"; stop_servers; return; }
    probe_start "$name"
    for k in $(seq 1 $REAL_AGENCIES); do
        start_client "$k" "$DATA/agency-$k.csv" "$LOGS/$name-client-$k.log" "${addresses[$(((k - 1) % 2))]}"
        clients+=("$last_pid")
    done
    # Paced: the synthetic agencies' ingest lasts ~8 s, so that the failure falls in it.
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    java $JAVA_OPTS -jar "$LOADGEN_JAR" --server "${addresses[0]},${addresses[1]}" --agencies "6..$ALL_AGENCIES" \
        --bets "$bets" --out "$out" --timeout-seconds 400 --pace-ms $((8000 / (bets / 163 + 1))) \
        --json "$WORK/$name/report.json" >"$LOGS/$name-loadgen.log" 2>&1 &
    lg=$!
    started+=("$lg")
    fault_ms=
    quarter=$(((ALL_AGENCIES - REAL_AGENCIES) * bets / 4))
    if wait_rows "$quarter" 120; then
        say "$name: $quarter synthetic bets stored: failure now"
        "$fault"
    else
        fail "$name" "$quarter synthetic bets not stored within 120 s: no failure injected"
    fi
    wait_exit 420 "${clients[@]}" "$lg" || fail "$name" "agencies still running after 420 s"
    for k in $(seq 1 $REAL_AGENCIES); do
        status=$(status_of "${clients[$((k - 1))]}")
        [ "$status" = 0 ] || agencies_failed=$((agencies_failed + 1))
        check "$name client $k exit status" "exited $status (log: $LOGS/$name-client-$k.log)" [ "$status" = 0 ]
        check "$name client $k winners" "reported $(client_winners "$LOGS/$name-client-$k.log"), its file has \
$(winners_in "$DATA/agency-$k.csv")" [ "$(client_winners "$LOGS/$name-client-$k.log")" = "$(winners_in "$DATA/agency-$k.csv")" ]
    done
    status=$(status_of "$lg")
    local lg_failed=0
    if [ "$status" != 0 ]; then
        lg_failed=$(grep -F 'action: agency | result: fail' "$LOGS/$name-loadgen.log" |
            sed -n 's/.*| agency: \([0-9]*\) .*/\1/p' | sort -u | wc -l)
        [ "$lg_failed" -gt 0 ] || lg_failed=$((ALL_AGENCIES - REAL_AGENCIES))
        agencies_failed=$((agencies_failed + lg_failed))
    fi
    check "$name loadgen exit status" "exited $status (log: $LOGS/$name-loadgen.log)" [ "$status" = 0 ]
    probe_stop
    # What the database holds: the rows sent, as a multiset; one draw; every synthetic agency's winners.
    local expected=$WORK/$name/expected.csv stored=$WORK/$name/stored.csv missing extra
    { for k in $(seq 1 $REAL_AGENCIES); do agency_rows "$k" "$DATA/agency-$k.csv"; done
      [ -f "$out/expected.csv" ] && tr -d '\r' <"$out/expected.csv"; } | LC_ALL=C sort >"$expected"
    if export_rows "$name" "$url" "$WORK/$name/export.csv"; then
        tr -d '\r' <"$WORK/$name/export.csv" | LC_ALL=C sort >"$stored"
        missing=$(LC_ALL=C comm -23 "$expected" "$stored" | wc -l)
        extra=$(LC_ALL=C comm -13 "$expected" "$stored" | wc -l)
        check "$name exactly-once rows" "$missing rows missing, $extra extra or doubled ($(wc -l <"$expected") sent, \
$(wc -l <"$stored") stored)" [ "$missing:$extra" = 0:0 ]
    else
        missing='?'; extra='?'
        fail "$name exactly-once rows" "--export-bets failed ($LOGS/$name-export.log)"
    fi
    local draws
    draws=$(cat "$LOGS/$name"-server*.log | grep -cF 'action: sorteo | result: success')
    check "$name one draw" "$draws sorteo lines over both servers" [ "$draws" = 1 ]
    if [ -f "$out/winners.txt" ]; then
        local diffs
        diffs=$(awk -F, -v n="$WINNING_NUMBER" '
            FNR == NR { sub(/\r$/, ""); if ($NF == n) want[$1]++; agencies[$1] = 1; next }
            { split($0, f, " "); got[f[1]] = f[2] }
            END { for (a in agencies) if ((a in got ? got[a] : "none") != want[a] + 0) bad++; if (bad) print bad " agencies" }' \
            "$out/expected.csv" "$out/winners.txt")
        check "$name loadgen winners" "$diffs with wrong winners" [ -z "$diffs" ]
    else
        fail "$name loadgen winners" "no $out/winners.txt"
    fi
    stop_servers
    [ "${PAUSE:-0}" = 0 ] || ha_patronictl resume --wait >/dev/null 2>&1
    local outages
    # The servers' own view (docs/RELIABILITY.md, "Database outages"): each outage's length as its commit stream saw it.
    outages=$(cat "$LOGS/$name"-server*.log | sed -n 's/.*action: database | result: success | outage: over | seconds: \([0-9.]*\).*/\1/p' |
        sort -n | tr '\n' ' ')
    say "$name: FIGURES agencies failed $agencies_failed of $ALL_AGENCIES; rows lost $missing, doubled/extra $extra;" \
        "stall seen by the synthetic agencies (longest batch send -> Ack) $(json_field "$WORK/$name/report.json" ack_max_ms) ms," \
        "reconnections $(json_field "$WORK/$name/report.json" reconnects), last Ack to last winners" \
        "$(json_field "$WORK/$name/report.json" draw_wait_s) s, their run $(json_field "$WORK/$name/report.json" total_s) s;" \
        "database: $(probe_gap "$name" "${fault_ms:-0}")${failover_ms:+; new primary after $failover_ms ms};" \
        "outages the servers logged (s): ${outages:-none};" \
        "DATABASE_UNAVAILABLE sent: $(cat "$LOGS/$name"-server*.log | grep -c 'code: DATABASE_UNAVAILABLE' || true)"
    if [ "$name" = freeze ]; then
        # Frozen past the bound, the waiting agencies must have been told (the retryable error), not left waiting:
        # the servers log each ERROR they send (the load generator logs only its reconnections, not their cause).
        local told
        told=$(cat "$LOGS/$name"-server*.log | grep -c 'code: DATABASE_UNAVAILABLE' || true)
        check "$name agencies told DATABASE_UNAVAILABLE" "no server sent it, frozen past the bound" [ "$told" -gt 0 ]
    fi
    failover_ms=
}

# ---------------------------------------------------------------- the failures

# restart_primary MODE SECONDS (Patroni paused by run_lottery: it neither restarts PostgreSQL nor fails over): the
# primary stopped with pg_ctl -m MODE, SECONDS later started again.
restart_primary() {
    local mode=$1 down=$2 leader data
    leader=$(ha_leader)
    data=$HA_DIR/pg$leader/data
    fault_ms=$(now_ms)
    say "restart: node $leader stopped (-m $mode) for $down s"
    ha_as_pg timeout 40 "$HA_PG_BIN/pg_ctl" -D "$data" -m "$mode" -w -t 30 stop >/dev/null 2>&1 \
        || say "pg_ctl stop -m $mode of node $leader failed"
    sleep "$down"
    ha_as_pg timeout 70 "$HA_PG_BIN/pg_ctl" -D "$data" -l "$HA_DIR/pg$leader/restart.log" -w -t 60 start >/dev/null 2>&1 \
        || say "pg_ctl start of node $leader failed"
}
fault_restart_fast_3s() { restart_primary fast 3; }
fault_restart_immediate_3s() { restart_primary immediate 3; }
fault_restart_fast_20s() { restart_primary fast 20; }
fault_restart_immediate_20s() { restart_primary immediate 20; }

# failover_now: kill -9 of the primary's node; waits (60 s at most) for the other one to be primary: failover_ms.
failover_now() {
    local leader new
    leader=$(ha_leader)
    fault_ms=$(now_ms)
    kill_node "$leader"
    local tenths=600
    while [ "$tenths" -gt 0 ]; do
        new=$(ha_leader) && [ "$new" != "$leader" ] && break
        sleep 0.1
        tenths=$((tenths - 1))
    done
    if [ -n "$new" ] && [ "$new" != "$leader" ]; then
        failover_ms=$(($(now_ms) - fault_ms))
        say "failover: node $new promoted $failover_ms ms after node $leader was killed"
    else
        say "failover: no node promoted within 60 s"
    fi
}
fault_failover() { failover_now; }

# The draw: a session on the primary holds EXCLUSIVE on winner (the draw's INSERT waits for it inside the draw's
# transaction, which already holds the round row); once a backend waits for that lock, the primary is killed.
fault_failover_draw() {
    local leader tenths=2400
    leader=$(ha_leader)
    say "failover_draw: holding a lock on winner on node $leader until the draw waits for it"
    (PGCONNECT_TIMEOUT=3 timeout 600 "$HA_PG_BIN/psql" -X -q -h 127.0.0.1 -p "$(ha_var PG "$leader")" -U postgres \
        -d lottery -c "BEGIN" -c "LOCK TABLE winner IN EXCLUSIVE MODE" -c "SELECT pg_sleep(590)" >/dev/null 2>&1) &
    started+=($!)
    while [ "$tenths" -gt 0 ]; do
        [ "$(ha_psql "$leader" "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE c.relname = 'winner' AND NOT l.granted" 2>/dev/null)" = 1 ] && break
        sleep 0.1
        tenths=$((tenths - 1))
    done
    [ "$tenths" -gt 0 ] || say "failover_draw: the draw did not start within 240 s"
    say "failover_draw: the draw's transaction waits on node $leader: killing it"
    failover_now
}

# kill -9 of the etcd Raft leader; restarted by heal.
fault_etcd_leader() {
    local member pid
    member=$(ha_etcd_leader)
    pid=$(cat "$HA_DIR/etcd$member.pid")
    fault_ms=$(now_ms)
    kill -9 "$pid"
    say "etcd_leader: member $member (pid $pid) killed; new leader: member $(sleep 3; ha_etcd_leader || echo none)"
}

# Every process of the primary's PostgreSQL stopped (SIGSTOP) for the servers' bound + 10 s, Patroni paused.
fault_freeze() {
    local leader pid
    leader=$(ha_leader)
    # shellcheck disable=SC2207 # pids, one word each
    frozen=($(node_pids "$leader"))
    fault_ms=$(now_ms)
    for pid in "${frozen[@]}"; do kill -STOP "$pid" 2>/dev/null; done
    say "freeze: node $leader's PostgreSQL (${#frozen[@]} processes) stopped for $((FREEZE_BOUND + 10)) s"
    sleep $((FREEZE_BOUND + 10))
    for pid in "${frozen[@]}"; do kill -CONT "$pid" 2>/dev/null; done
    frozen=()
}

# ---------------------------------------------------------------- throughput

# throughput: 64 agencies x tp_bets through 2 servers on (a) one PostgreSQL, (b) the Patroni cluster.
scenario_throughput() {
    local agencies=64 port url dir=$WORK/throughput
    mkdir -p "$dir/single"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir/single"
    single_pg=$dir/single/data
    ha_as_pg timeout 120 "$HA_PG_BIN/initdb" -D "$single_pg" -U postgres --auth=trust -E UTF8 --locale=C \
        >"$LOGS/initdb.log" 2>&1 || { fail throughput "initdb failed ($LOGS/initdb.log)"; return; }
    port=$(free_port)
    ha_as_pg timeout 60 "$HA_PG_BIN/pg_ctl" -D "$single_pg" -l "$dir/single/pg.log" -w -t 45 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/single" start >/dev/null \
        || { fail throughput "PostgreSQL did not start"; return; }
    PGCONNECT_TIMEOUT=3 timeout 30 "$HA_PG_BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -c "CREATE DATABASE lottery" >/dev/null || { fail throughput "CREATE DATABASE on one PostgreSQL"; return; }
    # Interleaved: one PostgreSQL, Patroni, one PostgreSQL, Patroni (fresh database each time); the medians... two runs
    # each is all the time allows: the figures are the runs' own.
    local r setup results=()
    for r in 1 2; do
        for setup in single patroni; do
            if [ "$setup" = single ]; then
                url="jdbc:postgresql://127.0.0.1:$port/lottery"
                PGCONNECT_TIMEOUT=3 timeout 30 "$HA_PG_BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
                    -c "DROP DATABASE IF EXISTS lottery WITH (FORCE)" -c "CREATE DATABASE lottery" >/dev/null
            else
                url=$(ha_url)
                reset_db
            fi
            start_servers "tp-$setup-$r" "$url" 60 "$agencies" || { fail throughput "servers did not start ($setup)"; stop_servers; return; }
            # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
            java ${LOADGEN_JAVA_OPTS:-$JAVA_OPTS} -jar "$LOADGEN_JAR" --server "${addresses[0]},${addresses[1]}" \
                --agencies "1..$agencies" --bets "$tp_bets" --out "$dir/$setup-$r" --timeout-seconds 600 \
                --server-pid "${servers[0]},${servers[1]}" --json "$dir/$setup-$r.json" >"$LOGS/tp-$setup-$r-loadgen.log" 2>&1
            check "throughput $setup run $r" "the load generator failed ($LOGS/tp-$setup-$r-loadgen.log)" [ $? = 0 ]
            stop_servers
            rm -rf "$dir/$setup-$r"
            results+=("$setup $r $(json_field "$dir/$setup-$r.json" bets_per_s)")
            say "throughput: $setup run $r: $(json_field "$dir/$setup-$r.json" bets_per_s) bets/s" \
                "(ingest $(json_field "$dir/$setup-$r.json" ingest_s) s, ack p99 $(json_field "$dir/$setup-$r.json" ack_p99_ms) ms)"
        done
    done
    printf '%s\n' "${results[@]}" | awk -v n="$agencies x $tp_bets" '
        { sum[$1] += $3; cnt[$1]++; runs[$1] = runs[$1] " " $3 }
        END {
            a = sum["single"] / cnt["single"]; b = sum["patroni"] / cnt["patroni"]
            printf "[ha] throughput FIGURES (%s bets, 2 servers): (a) one PostgreSQL%s bets/s, mean %.0f; (b) Patroni + synchronous standby%s bets/s, mean %.0f; b/a = %.2f\n", n, runs["single"], a, runs["patroni"], b, b / a
        }'
    ha_as_pg timeout 40 "$HA_PG_BIN/pg_ctl" -D "$single_pg" -m fast -w -t 30 stop >/dev/null 2>&1
    single_pg=
}

# ---------------------------------------------------------------- main

say "work directory $WORK; starting the cluster (3 etcd, 2 Patroni/PostgreSQL 15)"
t0=$SECONDS
ha_up || { fail cluster "the HA set-up did not start (logs: $HA_DIR)"; summary; exit 1; }
HA_DB=postgres ha_psql "$(ha_leader)" "CREATE DATABASE probe" >/dev/null
HA_DB=probe ha_psql "$(ha_leader)" "CREATE TABLE probe (at timestamptz DEFAULT clock_timestamp())" >/dev/null
say "cluster up in $((SECONDS - t0)) s: $(ha_members | awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }'); URL $(ha_url)"
failover_ms=
for name in "${scenarios[@]}"; do
    t0=$SECONDS
    case $name in
        restart_fast_3s | restart_immediate_3s | restart_fast_20s | restart_immediate_20s)
            PAUSE=1 run_lottery "$name" "$OUTAGE_SECONDS" "fault_$name" ;;
        failover | failover_draw | etcd_leader) run_lottery "$name" "$OUTAGE_SECONDS" "fault_$name" ;;
        freeze) PAUSE=1 run_lottery freeze "$FREEZE_BOUND" fault_freeze ;;
        throughput) scenario_throughput ;;
        *) fail "$name" "no such scenario (--help)"; continue ;;
    esac
    heal
    say "$name: done in $((SECONDS - t0)) s (cluster healed: $(ha_members | awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }'))"
done
summary

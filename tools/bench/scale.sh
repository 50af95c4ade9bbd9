#!/usr/bin/env bash
# Scale-out benchmark: 1, 2 and 3 servers (SERVER_STORE=postgres) sharing one PostgreSQL, same invocation.
#
#   bash tools/bench/scale.sh [--runs R] [--bets B] [--servers LIST] [--bulk copy|insert|both] [--ceiling-only]
#
#   --runs R         runs per (bulk, server count), default 3; the table gives the medians
#   --bets B         bets per agency, 64 agencies (default 30000: 1,920,000 bets; here a run took 15-20 s, of
#                    which 7-16 s of ingest; --bets 100000 for figures past the servers' JIT warm-up)
#   --servers LIST   server counts, comma-separated (default 1,2,3)
#   --bulk MODE      SERVER_PG_BULK of the servers: copy, insert or both (default copy)
#   --ceiling-only   only start PostgreSQL and measure the ceiling below (no servers; checks the set-up)
#
# PostgreSQL: PostgreSQL 15 from /usr/lib/postgresql/15/bin (PG_BIN overrides), run on this machine by this script:
# a fresh cluster (initdb) in a temporary directory on disk, as the `postgres` OS user when run as root (initdb refuses
# root), listening on 127.0.0.1 on a free port, trust authentication, default durability (fsync=on,
# synchronous_commit=on, wal_sync_method and shared_buffers as initdb leaves them); the only setting added is
# track_wal_io_timing=on, so that pg_stat_wal gives the time spent writing and fsyncing WAL. It is stopped at the end
# (pg_ctl -m fast, bounded, then SIGKILL). Without the binaries: `bash ../shared/docker/engine.sh postgres` or
# `apt-get install postgresql-15`, exit 2.
#
# Each run: DROP/CREATE DATABASE lottery; start S servers on 127.0.0.1 one after the other (lottery-server.jar through
# bin/lottery-server, as ingest.sh; SERVER=jar: java -jar) with SERVER_STORE=postgres, SERVER_PG_URL of that database,
# SERVER_PG_BULK, SERVER_AGENCIES=64, a storage directory each; Flyway applies the schema at the first start. Each
# must log `accept_connections | result: in_progress` and `store: postgres` within 60 s. Then lottery-loadgen drives
# the 64 agencies against all of them at once (--server A,B,C: agency k to server (k-1) mod S, --server-pid: their
# CPU summed), which checks that every agency's FINISH count matches and that each agency gets its winners (as many
# as its bets on 7574) from the server it is connected to. The script then checks the database: count(*) of bet =
# 64 x B, as many distinct (agency, document) (no bet twice), B per agency; exactly one `action: sorteo | result:
# success` over the servers' logs; and on the first run of each (bulk, S) the round exported with --export-bets holds
# exactly the rows the generator sent (same multiset as expected.csv). SIGTERM the servers (each must stop within
# 20 s).
# Around the load generator's invocation the script samples /proc: the CPU seconds of PostgreSQL's processes (by role:
# client backends, walwriter, checkpointer, background writer, autovacuum, others; exited children through the
# postmaster's cutime/cstime; the busiest backends one by one: each server's commit stream has its own) and of the
# whole machine (busy and iowait shares of /proc/stat), the WAL written (LSN difference) and the write transactions
# (xid difference); pg_stat_wal (WAL records, writes, fsyncs and their time) from the servers' start to their stop;
# and, just before the stop, the servers' CPU per thread name (event loops io-*, lottery, store-sync, JIT compilers,
# GC) over their life.
# Ceiling, once per run index: the same rows (the generator's expected.csv) COPYed by one psql `\copy` in one
# transaction into a fresh database with the servers' own schema (their Flyway migrations applied by psql), i.e. what
# this PostgreSQL takes from one trivial client; the table gives each configuration's bets/s as a fraction of it.
# tools/bench/scale_stats.py (python3, standard library) samples /proc and writes the JSON lines and the table.
# Output: each run's JSON line (the load generator's report plus the fields above) and a table of medians per
# (bulk, S), with the ratio to 1 server measured in the same invocation. Exit 0 when every run's results were right,
# 1 on a wrong result (logs kept, path printed), 2 on a bad command line or a missing prerequisite. Slowness never
# fails a run: every wait is bounded far above the expected time. The machine has few cores and the servers,
# PostgreSQL and the generator share them: run it on a quiet machine (the load average is printed at start and end).
set -euo pipefail
cd "$(dirname "$0")/../.."
# free_port, wait_for_line
# shellcheck source=tools/lib.sh
. tools/lib.sh
runs=3
bets=30000
server_counts=1,2,3
bulk_arg=copy
ceiling_only=0
agencies=64
while (($#)); do
    case $1 in
        --runs) runs=${2:-}; shift $(($# > 1 ? 2 : 1)) ;;
        --bets) bets=${2:-}; shift $(($# > 1 ? 2 : 1)) ;;
        --servers) server_counts=${2:-}; shift $(($# > 1 ? 2 : 1)) ;;
        --bulk) bulk_arg=${2:-}; shift $(($# > 1 ? 2 : 1)) ;;
        --ceiling-only) ceiling_only=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "scale bench: unknown argument $1 (--help)" >&2; exit 2 ;;
    esac
done
[[ $runs =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] && [ "$runs" -le 20 ] || { echo "scale bench: --runs is 1..20" >&2; exit 2; }
[[ $bets =~ ^[0-9]+$ ]] && [ "$bets" -ge 1 ] && [ "$bets" -le 999999 ] \
    || { echo "scale bench: --bets is 1..999999" >&2; exit 2; }
[[ $server_counts =~ ^[1-9](,[1-9])*$ ]] || { echo "scale bench: --servers is a list like 1,2,3 (1..9 each)" >&2; exit 2; }
IFS=, read -r -a counts <<<"$server_counts"
case $bulk_arg in
    copy|insert) bulks=("$bulk_arg") ;;
    both) bulks=(copy insert) ;;
    *) echo "scale bench: --bulk is copy, insert or both" >&2; exit 2 ;;
esac
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
for tool in initdb pg_ctl postgres psql; do
    [ -x "$pg_bin/$tool" ] || {
        echo "scale bench: $pg_bin/$tool missing: install PostgreSQL 15 (bash ../shared/docker/engine.sh postgres," \
            "or apt-get install postgresql-15), or set PG_BIN" >&2
        exit 2
    }
done
command -v python3 >/dev/null || { echo "scale bench: needs python3" >&2; exit 2; }
server_jar=lottery-server/target/lottery-server.jar
loadgen_jar=lottery-loadgen/target/lottery-loadgen.jar
migrations=lottery-server/src/main/resources/db/lottery
if [ "$ceiling_only" -eq 0 ]; then
    for jar in "$server_jar" "$loadgen_jar"; do
        [ -f "$jar" ] || { echo "scale bench: $jar missing (mvn -B -q package -DskipTests)" >&2; exit 2; }
    done
fi
[ -f "$loadgen_jar" ] || { echo "scale bench: $loadgen_jar missing (mvn -B -q package -DskipTests)" >&2; exit 2; }
compgen -G "$migrations/V*__*.sql" >/dev/null \
    || { echo "scale bench: no migrations in $migrations (the PostgreSQL store's schema)" >&2; exit 2; }
java_bin=java
loadgen_opts=${LOADGEN_JAVA_OPTS--XX:+UseSerialGC -XX:TieredStopAtLevel=1}
server_mode=${SERVER:-launcher}
case $server_mode in
    launcher) [ "$ceiling_only" -eq 1 ] || sh bin/lottery-cds train >/dev/null 2>&1 \
        || echo "scale bench: no class-data archive (bin/lottery-cds train failed)" >&2 ;;
    jar) ;;
    *) echo "scale bench: SERVER is launcher or jar, not $server_mode" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/scale-bench.XXXXXX")
chmod 755 "$work" # the postgres user reads the CSV files of the ceiling and writes its directory below
pg_dir=$work/pg # owned by the user PostgreSQL runs as: data/, socket, log
pg_port=
pg_pid=
server_pids=()
keep=0
# PostgreSQL's own commands run as the postgres user when this script runs as root (initdb refuses root).
as_pg=()
[ "$(id -u)" -ne 0 ] || as_pg=(runuser -u postgres --)
stop_pg() {
    [ -n "$pg_pid" ] || return 0
    if ! timeout 40 "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
        echo "scale bench: PostgreSQL did not stop within 30 s, SIGKILL" >&2
        kill -9 "$pg_pid" 2>/dev/null || true
    fi
    pg_pid=
}
cleanup() {
    local pid
    for pid in "${server_pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    stop_pg
    if [ "$keep" -eq 1 ]; then echo "scale bench: logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# die MESSAGE: says what went wrong and keeps the run's directory (server logs, loadgen.log, pg.log) for a look.
die() {
    echo "scale bench: $*" >&2
    keep=1
    exit 1
}

# psql_q [-d DB] SQL...: runs the statements (stops at the first error), prints the unaligned result; bounded.
psql_q() {
    local db=postgres
    if [ "$1" = -d ]; then db=$2; shift 2; fi
    local args=() sql
    for sql in "$@"; do args+=(-c "$sql"); done
    PGOPTIONS='-c client_min_messages=warning' PGCONNECT_TIMEOUT=10 timeout 300 "$pg_bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" \
        -U postgres -d "$db" "${args[@]}"
}

start_pg() {
    mkdir -p "$pg_dir"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$pg_dir"
    timeout 120 "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --locale=C >"$work/initdb.log" 2>&1 \
        || { cat "$work/initdb.log" >&2; die "initdb failed"; }
    pg_port=$(free_port)
    timeout 60 "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/pg.log" -w -t 45 \
        -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c track_wal_io_timing=on" start >/dev/null \
        || { tail -20 "$pg_dir/pg.log" >&2; die "PostgreSQL did not start ($pg_dir/pg.log)"; }
    pg_pid=$(head -1 "$pg_dir/data/postmaster.pid")
    [[ $pg_pid =~ ^[0-9]+$ ]] || die "no postmaster pid in $pg_dir/data/postmaster.pid"
}

# pg_snapshot: one JSON line of cumulative CPU seconds of PostgreSQL's processes by role and of the machine
# (/proc/stat), the WAL position and the next transaction id (exact at once, unlike the statistics views, which
# backends report with a delay: an xid is taken by each transaction that writes, so their difference counts the
# write transactions, i.e. the servers' group commits, HELLOs, FINISHes and the draw).
pg_snapshot() {
    local pos
    pos=$(psql_q "select json_build_object('lsn', pg_current_wal_lsn() - '0/0'::pg_lsn, 'xid',
        pg_snapshot_xmax(pg_current_snapshot())::text::bigint)")
    python3 tools/bench/scale_stats.py pg-snapshot "$pg_pid" "$pos"
}

# server_threads PID...: the servers' CPU seconds per thread name over their life so far (start-up and JIT included),
# summed over the servers, digits of the names replaced by # (nioEventLoopGroup-3-1 -> nioEventLoopGroup-#-#), as JSON.
server_threads() {
    python3 tools/bench/scale_stats.py threads "$@"
}

# wal_stats: pg_stat_wal as JSON (read after the servers stopped: their backends report at exit).
wal_stats() {
    psql_q "select json_build_object('wal_records', wal_records, 'wal_bytes', wal_bytes, 'wal_write', wal_write,
        'wal_sync', wal_sync, 'wal_write_ms', wal_write_time, 'wal_sync_ms', wal_sync_time) from pg_stat_wal"
}

# ceiling RUN: the generator's rows COPYed by one psql into a fresh database with the servers' schema, one transaction.
ceiling() {
    local run=$1 file start end n
    file=$work/expected.csv
    [ -f "$file" ] || die "no expected.csv for the ceiling"
    psql_q "DROP DATABASE IF EXISTS ceiling WITH (FORCE)" "CREATE DATABASE ceiling" >/dev/null
    local sql
    for sql in $(printf '%s\n' "$migrations"/V*__*.sql | sort -V); do
        PGCONNECT_TIMEOUT=10 timeout 120 "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" \
            -U postgres -d ceiling -f "$sql" >/dev/null || die "ceiling: $sql does not apply"
    done
    # The bets of round 1, as a server stores them (bet.round_id has no default in the schema).
    psql_q -d ceiling "INSERT INTO round (agencies, authenticated) VALUES ($agencies, false)" \
        "ALTER TABLE bet ALTER COLUMN round_id SET DEFAULT 1" "CHECKPOINT" >/dev/null
    start=$(date +%s%N)
    PGCONNECT_TIMEOUT=10 timeout 600 "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres \
        -d ceiling -c "\\copy bet (agency, first_name, last_name, document, birthdate, number) from '$file' with (format csv)" \
        >/dev/null || die "ceiling: \\copy failed"
    end=$(date +%s%N)
    n=$(psql_q -d ceiling "select count(*) from bet")
    [ "$n" -eq $((agencies * bets)) ] || die "ceiling: $n rows copied, expected $((agencies * bets))"
    python3 tools/bench/scale_stats.py ceiling "$run" "$n" "$start" "$end" >>"$work/ceilings.jsonl"
    tail -1 "$work/ceilings.jsonl"
    psql_q "DROP DATABASE ceiling WITH (FORCE)" >/dev/null
}

# stop_servers DIR: SIGTERM every server, each must be gone within 20 s.
stop_servers() {
    local dir=$1 pid
    for pid in "${server_pids[@]}"; do
        kill "$pid" 2>/dev/null || die "a server ($pid) had exited before its stop ($dir)"
    done
    for pid in "${server_pids[@]}"; do
        for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then die "server $pid did not stop on SIGTERM within 20 s ($dir)"; fi
        wait "$pid" 2>/dev/null || true
    done
    server_pids=()
}

# run_once BULK S RUN -> appends the run's JSON to $work/results.jsonl
run_once() {
    local bulk=$1 count=$2 run=$3 dir i port addresses="" pids="" log
    dir=$work/$bulk-$count-$run
    mkdir -p "$dir"
    psql_q "DROP DATABASE IF EXISTS lottery WITH (FORCE)" "CREATE DATABASE lottery" >/dev/null
    local url="jdbc:postgresql://127.0.0.1:$pg_port/lottery"
    for ((i = 1; i <= count; i++)); do
        port=$(free_port)
        log=$dir/server$i.log
        mkdir -p "$dir/storage$i"
        # shellcheck disable=SC2086 # word splitting of the option list is intended
        if [ "$server_mode" = launcher ]; then
            SERVER_PORT=$port SERVER_IP=127.0.0.1 LOGGING_LEVEL=INFO SERVER_AGENCIES=$agencies SERVER_STORE=postgres \
                SERVER_PG_URL=$url SERVER_PG_USER=postgres SERVER_PG_PASSWORD='' SERVER_PG_BULK=$bulk \
                SERVER_STORAGE_PATH=$dir/storage$i/bets.csv LOTTERY_JAVA_OPTS="${SERVER_JAVA_OPTS:-}" \
                bin/lottery-server >"$log" 2>&1 &
        else
            SERVER_PORT=$port SERVER_IP=127.0.0.1 LOGGING_LEVEL=INFO SERVER_AGENCIES=$agencies SERVER_STORE=postgres \
                SERVER_PG_URL=$url SERVER_PG_USER=postgres SERVER_PG_PASSWORD='' SERVER_PG_BULK=$bulk \
                SERVER_STORAGE_PATH=$dir/storage$i/bets.csv \
                "$java_bin" ${SERVER_JAVA_OPTS:-} -jar "$server_jar" >"$log" 2>&1 &
        fi
        server_pids+=($!)
        # One after the other: the first applies the schema (Flyway), the others find it applied.
        if ! wait_for_line "$log" 'accept_connections | result: in_progress' 60 "${server_pids[-1]}"; then
            tail -20 "$log" >&2
            kill -0 "${server_pids[-1]}" 2>/dev/null || die "server $i of $count exited at its start ($log)"
            die "server $i of $count did not start within 60 s ($log)"
        fi
        grep -q "action: store | result: success | store: postgres .*bulk: $bulk" "$log" \
            || { grep 'action: store' "$log" >&2; die "server $i does not say store: postgres, bulk: $bulk ($log)"; }
        addresses+=${addresses:+,}127.0.0.1:$port
        pids+=${pids:+,}${server_pids[-1]}
    done
    psql_q "select pg_stat_reset_shared('wal')" >/dev/null
    local before after wal rc=0
    before=$(pg_snapshot)
    # The load generator's progress lines (every 3 s) go to stderr as they come; everything to loadgen.log.
    # shellcheck disable=SC2086 # word splitting of the option list is intended
    "$java_bin" $loadgen_opts -jar "$loadgen_jar" --server "$addresses" --agencies "1..$agencies" --bets "$bets" \
        --out "$dir" --timeout-seconds 900 --server-pid "$pids" --json "$dir/report.json" 2>&1 \
        | tee "$dir/loadgen.log" | { grep --line-buffered 'result: in_progress' >&2 || true; } || rc=$?
    [ "${PIPESTATUS[0]}" -eq 0 ] && [ "$rc" -eq 0 ] || {
        grep -E 'ERROR|result: fail' "$dir/loadgen.log" | head -5 >&2
        die "$bulk x $count servers, run $run: the load generator failed ($dir/loadgen.log)"
    }
    after=$(pg_snapshot)
    # Every bet stored once, in the right agency; one draw over all the servers.
    local check expected_total=$((agencies * bets))
    check=$(psql_q -d lottery "select count(*) || ' ' || count(distinct (agency, document)) || ' ' ||
        (select count(*) from (select agency from bet group by agency having count(*) = $bets) a) from bet")
    [ "$check" = "$expected_total $expected_total $agencies" ] || die "$bulk x $count servers, run $run: the" \
        "database holds rows/distinct (agency, document)/agencies with $bets bets = $check, expected" \
        "$expected_total $expected_total $agencies ($dir)"
    local sorteos
    sorteos=$(cat "$dir"/server*.log | grep -c 'action: sorteo | result: success' || true)
    [ "$sorteos" -eq 1 ] || die "$bulk x $count servers, run $run: $sorteos sorteo lines over the servers, expected 1 ($dir)"
    local threads
    threads=$(server_threads "${server_pids[@]}")
    stop_servers "$dir"
    wal=$(wal_stats)
    [ -f "$work/expected.csv" ] || cp "$dir/expected.csv" "$work/expected.csv"
    if [ "$run" -eq 1 ]; then
        # The round as the course's load_bets reads it: exactly the rows sent (same multiset). SERVER_PORT is required
        # by the configuration, not used by --export-bets.
        local export_env=(SERVER_PORT=1 SERVER_AGENCIES="$agencies" SERVER_STORE=postgres SERVER_PG_URL="$url"
            SERVER_PG_USER=postgres SERVER_PG_PASSWORD='' LOGGING_LEVEL=WARN)
        if [ "$server_mode" = launcher ]; then
            env "${export_env[@]}" timeout 300 bin/lottery-server --export-bets "$dir/export.csv" >"$dir/export.log" 2>&1
        else
            env "${export_env[@]}" timeout 300 "$java_bin" -jar "$server_jar" --export-bets "$dir/export.csv" \
                >"$dir/export.log" 2>&1
        fi || die "$bulk x $count servers: --export-bets failed ($dir/export.log)"
        cmp -s <(LC_ALL=C sort "$dir/export.csv") <(LC_ALL=C sort "$dir/expected.csv") \
            || die "$bulk x $count servers: the exported round differs from the bets sent ($dir)"
    fi
    python3 tools/bench/scale_stats.py run "$bulk" "$count" "$run" "$dir/report.json" "$before" "$after" "$wal" \
        "$threads" >>"$work/results.jsonl"
    tail -1 "$work/results.jsonl"
    rm -rf "$dir"
}

echo "scale bench: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
start_pg
echo "postgresql: $(psql_q 'select version()' | cut -d, -f1) on 127.0.0.1:$pg_port, data in $pg_dir/data on a" \
    "$(stat -f -c %T "$pg_dir") file system; $(psql_q "select string_agg(name || '=' || current_setting(name), ', ' order by name)
    from pg_settings where name in ('fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers',
    'max_wal_size', 'wal_level', 'track_wal_io_timing', 'commit_delay')")"
if [ "$ceiling_only" -eq 0 ]; then
    if [ "$server_mode" = launcher ]; then
        echo "servers: bin/lottery-server ($(sh bin/lottery-cds status 2>&1 | sed -n 's/^server: //p'))${SERVER_JAVA_OPTS:+ + $SERVER_JAVA_OPTS}"
    else
        echo "servers: $("$java_bin" -version 2>&1 | head -1), java -jar, default flags${SERVER_JAVA_OPTS:+ + $SERVER_JAVA_OPTS}"
    fi
    echo "load generator: $("$java_bin" -version 2>&1 | head -1), java ${loadgen_opts:+$loadgen_opts }-jar"
    echo "method: $agencies agencies x $bets bets, server counts ${counts[*]}, bulk ${bulks[*]}, $runs runs each," \
        "interleaved (order turned per run); fresh database per run; bets_per_s = bets / (first connection .. last" \
        "batch Ack)"
else
    # The rows the agencies would send, for the ceiling alone.
    # shellcheck disable=SC2086 # word splitting of the option list is intended
    "$java_bin" $loadgen_opts -jar "$loadgen_jar" --rows-only --agencies "1..$agencies" --bets "$bets" --out "$work" \
        >"$work/rows.log" 2>&1 || die "lottery-loadgen --rows-only failed ($work/rows.log)"
fi
for ((r = 1; r <= runs; r++)); do
    if [ "$ceiling_only" -eq 0 ]; then
        # The order of the server counts turns by one per run (1,2,3 then 2,3,1 then 3,1,2), so that no count always
        # runs first (colder page cache, PostgreSQL's first run) or right after another's WAL was written.
        for bulk in "${bulks[@]}"; do
            for ((c = 0; c < ${#counts[@]}; c++)); do
                run_once "$bulk" "${counts[$(((c + r - 1) % ${#counts[@]}))]}" "$r"
            done
        done
    fi
    ceiling "$r"
done
echo "scale bench: load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$ceiling_only" -eq 0 ] || exit 0
python3 tools/bench/scale_stats.py summary "$work/results.jsonl" "$work/ceilings.jsonl"

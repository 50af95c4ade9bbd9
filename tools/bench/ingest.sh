#!/usr/bin/env bash
# Ingest benchmark: the real server jar on loopback, driven by lottery-loadgen, with same-run ceilings.
#
#   bash tools/bench/ingest.sh [--runs R] [SCENARIO...]
#
# Scenarios (default: durable page-cache agencies-1000 agencies-10000):
#   durable         64 agencies x 20,000 bets, SERVER_FSYNC=true (an Ack waits for the group-committed fsync)
#   page-cache      the same with SERVER_FSYNC=false (an Ack means the rows reached the operating system)
#   agencies-1000   1,000 agencies connecting at once x 200 bets, SERVER_FSYNC=true
#   agencies-10000  10,000 agencies connected at once x 20 bets, SERVER_FSYNC=true, server heap capped at 1 GB
#                   (-Xmx1g): it must finish with every agency served (connections opened at most 512 at a time,
#                   the load generator's default --connect-window, below the listen backlog of 1024)
#   durable-long    64 agencies x 100,000 bets (6.4 million), SERVER_FSYNC=true: the same server past its JIT
#                   warm-up (not in the default list: a run takes about a minute with its checks)
#   durable-tls     `durable` over mutual TLS (not in the default list): certificates from `generar-compose.sh FILE
#                   64 --tls` (needs openssl) in the work directory; the server with SERVER_TLS_CERT, _KEY,
#                   _CLIENT_CA (agency certificates required, plain refused), the load generator with --tls-ca and
#                   --tls-cert-dir. `ingest.sh durable durable-tls` alternates them, run by run (TLS off vs on, same
#                   run); the loopback ceiling stays plain
# Each run starts a fresh server (own storage directory, SERVER_AGENCIES = the agencies), runs the load generator
# with --server-pid (server CPU and peak RSS) and --ceilings (in the same invocation: the same frames to a discard
# server = loopback ceiling, the same rows appended + forced by a trivial writer = disk ceiling), then checks the
# stored rows against expected.csv (same multiset), one `sorteo` line and every agency's winners, and stops the server
# with SIGTERM. Prints each run's JSON and, per scenario, the medians (both written by tools/bench/ingest_stats.py,
# python3). R defaults to 3. Needs the jars
# (make build, or mvn -B -q package -DskipTests). The server runs as users run it, through bin/lottery-server (its
# JDK, JVM flags and class-data archive: bin/lottery-cds status; the archive is recorded first when stale);
# SERVER=jar runs `java -jar` with default flags instead, for comparison. SERVER_JAVA_OPTS adds JVM options to the
# server either way. The load generator runs with `java` on the PATH and LOADGEN_JAVA_OPTS (default
# `-XX:+UseSerialGC -XX:TieredStopAtLevel=1`: its own work is light, and with these flags it used 0.5-0.6 s of CPU
# per 64 x 20,000 run instead of 1.2-1.6 s with the defaults, CPU the server it shares the cores with gets instead).
# Every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
# free_port, wait_for_line
# shellcheck source=tools/lib.sh
. tools/lib.sh
runs=3
scenarios=()
while (($#)); do
    case $1 in
        --runs) runs=${2:-}; shift $(($# > 1 ? 2 : 1)) ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        durable|page-cache|agencies-1000|agencies-10000|durable-long|durable-tls) scenarios+=("$1"); shift ;;
        *) echo "ingest bench: unknown argument $1 (--help)" >&2; exit 2 ;;
    esac
done
[[ $runs =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] && [ "$runs" -le 20 ] || { echo "ingest bench: --runs is 1..20" >&2; exit 2; }
((${#scenarios[@]})) || scenarios=(durable page-cache agencies-1000 agencies-10000)
server_jar=lottery-server/target/lottery-server.jar
loadgen_jar=lottery-loadgen/target/lottery-loadgen.jar
for jar in "$server_jar" "$loadgen_jar"; do
    [ -f "$jar" ] || { echo "ingest bench: $jar missing (mvn -B -q package -DskipTests)" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "ingest bench: needs python3" >&2; exit 2; }
java_bin=java
loadgen_opts=${LOADGEN_JAVA_OPTS--XX:+UseSerialGC -XX:TieredStopAtLevel=1}
server_mode=${SERVER:-launcher}
case $server_mode in
    launcher) sh bin/lottery-cds train >/dev/null 2>&1 || echo "ingest bench: no class-data archive (bin/lottery-cds train failed)" >&2 ;;
    jar) ;;
    *) echo "ingest bench: SERVER is launcher or jar, not $server_mode" >&2; exit 2 ;;
esac
# The bets files and the disk ceiling's scratch file go here: $TMPDIR decides the disk (printed below).
work=$(mktemp -d "${TMPDIR:-/tmp}/ingest-bench.XXXXXX")
server_pid=
keep=0
cleanup() {
    if [ -n "$server_pid" ]; then kill -9 "$server_pid" 2>/dev/null || true; fi
    if [ "$keep" -eq 1 ]; then echo "ingest bench: logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
# die MESSAGE: says what went wrong and keeps the run's directory (server.log, loadgen.log) for a look.
die() {
    echo "ingest bench: $*" >&2
    keep=1
    exit 1
}

# scenario NAME -> sets agencies bets fsync extra_opts connect_window tls
scenario() {
    extra_opts=
    connect_window=512
    tls=0
    case $1 in
        durable) agencies=64 bets=20000 fsync=true ;;
        durable-tls) agencies=64 bets=20000 fsync=true tls=1 ;;
        page-cache) agencies=64 bets=20000 fsync=false ;;
        agencies-1000) agencies=1000 bets=200 fsync=true connect_window=0 ;; # all at once: 1,000 < the backlog
        agencies-10000) agencies=10000 bets=20 fsync=true extra_opts=-Xmx1g ;;
        durable-long) agencies=64 bets=100000 fsync=true ;;
    esac
}

# durable-tls: the CA, the server's certificate and agencies 1..64's, as a user gets them, once for every run.
tls_dir=$work/tls/.secrets/tls
if [[ " ${scenarios[*]} " == *" durable-tls "* ]]; then
    mkdir -p "$work/tls"
    sh generar-compose.sh "$work/tls/compose.yaml" 64 --tls >"$work/tls/generate.log" 2>&1 \
        || { cat "$work/tls/generate.log" >&2; die "generar-compose.sh --tls failed"; }
fi
# The server's TLS environment and the load generator's TLS options (empty when tls=0).
server_tls_env=()
loadgen_tls=()

# run_once NAME RUN -> appends the run's JSON (with "scenario" and "run" added) to $work/results.jsonl
run_once() {
    local name=$1 run=$2 port dir
    scenario "$name"
    server_tls_env=()
    loadgen_tls=()
    if [ "$tls" = 1 ]; then
        server_tls_env=(SERVER_TLS_CERT="$tls_dir/server.pem" SERVER_TLS_KEY="$tls_dir/server.key"
            SERVER_TLS_CLIENT_CA="$tls_dir/ca.pem")
        loadgen_tls=(--tls-ca "$tls_dir/ca.pem" --tls-cert-dir "$tls_dir")
    fi
    port=$(free_port)
    dir=$work/$name-$run
    mkdir -p "$dir"
    # 10,000 agencies need a descriptor each on both sides.
    if [ "$agencies" -gt 4000 ] && [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((agencies + 2000)) ]; then
        ulimit -n $((agencies + 2000)) 2>/dev/null || die "ulimit -n is too low for $agencies agencies"

    fi
    # shellcheck disable=SC2086 # word splitting of the option lists is intended
    if [ "$server_mode" = launcher ]; then
        env "${server_tls_env[@]}" \
            SERVER_PORT=$port SERVER_IP=127.0.0.1 LOGGING_LEVEL=INFO SERVER_AGENCIES=$agencies SERVER_FSYNC=$fsync \
            SERVER_STORAGE_PATH=$dir/bets.csv SERVER_NEW_ROUND=true \
            LOTTERY_JAVA_OPTS="$extra_opts ${SERVER_JAVA_OPTS:-}" bin/lottery-server >"$dir/server.log" 2>&1 &
    else
        env "${server_tls_env[@]}" \
            SERVER_PORT=$port SERVER_IP=127.0.0.1 LOGGING_LEVEL=INFO SERVER_AGENCIES=$agencies SERVER_FSYNC=$fsync \
            SERVER_STORAGE_PATH=$dir/bets.csv SERVER_NEW_ROUND=true \
            "$java_bin" $extra_opts ${SERVER_JAVA_OPTS:-} -jar "$server_jar" >"$dir/server.log" 2>&1 &
    fi
    server_pid=$!
    wait_for_line "$dir/server.log" 'accept_connections | result: in_progress' 15 \
        || { tail -5 "$dir/server.log" >&2; die "the server did not start ($dir/server.log)"; }
    if [ "$tls" = 1 ]; then
        grep -q 'action: tls | result: success' "$dir/server.log" || die "$name: the server's TLS is not on ($dir)"
    fi
    # The load generator's progress lines (every 3 s) go to stderr as they come; everything to loadgen.log.
    local rc=0
    # shellcheck disable=SC2086 # word splitting of the option list is intended
    "$java_bin" $loadgen_opts -jar "$loadgen_jar" --server "127.0.0.1:$port" --agencies "1..$agencies" --bets "$bets" \
        --out "$dir" --timeout-seconds 600 --server-pid "$server_pid" --ceilings "$dir/ceilings" \
        --ceiling-fsync "$fsync" --json "$dir/report.json" --connect-window "$connect_window" "${loadgen_tls[@]}" 2>&1 \
        | tee "$dir/loadgen.log" | { grep --line-buffered 'result: in_progress' >&2 || true; } || rc=$?
    [ "${PIPESTATUS[0]}" -eq 0 ] && [ "$rc" -eq 0 ] \
        || { grep -E 'ERROR|result: fail' "$dir/loadgen.log" | head -5 >&2; die "$name run $run failed ($dir/loadgen.log)"; }
    kill "$server_pid" 2>/dev/null || die "$name run $run: the server had exited before its stop ($dir/server.log)"
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$server_pid" 2>/dev/null; then die "the server did not stop on SIGTERM within 10 s"; fi
    wait "$server_pid" 2>/dev/null || true
    server_pid=
    # Exactly the bets sent, each once, and one draw.
    if ! cmp -s <(LC_ALL=C sort "$dir/bets.csv") <(LC_ALL=C sort "$dir/expected.csv"); then
        die "$name run $run: the stored rows differ from the bets sent ($dir)"
    fi
    [ "$(grep -c 'action: sorteo | result: success' "$dir/server.log")" -eq 1 ] \
        || die "$name run $run: not exactly one sorteo line ($dir/server.log)"
    python3 tools/bench/ingest_stats.py run "$name" "$run" "$fsync" "$dir/report.json" >>"$work/results.jsonl"
    tail -1 "$work/results.jsonl"
    rm -rf "$dir"
}

echo "ingest bench: $(nproc) cores, $runs runs per scenario, scenarios: ${scenarios[*]}"
if [ "$server_mode" = launcher ]; then
    echo "server: bin/lottery-server ($(sh bin/lottery-cds status 2>&1 | sed -n 's/^server: //p'))${SERVER_JAVA_OPTS:+ + $SERVER_JAVA_OPTS}"
else
    echo "server: $("$java_bin" -version 2>&1 | head -1), java -jar, default flags${SERVER_JAVA_OPTS:+ + $SERVER_JAVA_OPTS}"
fi
echo "load generator: $("$java_bin" -version 2>&1 | head -1), java ${loadgen_opts:+$loadgen_opts }-jar"
echo "storage: $work on a $(stat -f -c %T "$work") file system (TMPDIR decides; tmpfs would make fsync a no-op)"
echo "method: server jar on 127.0.0.1, fresh storage per run; lottery-loadgen on the same cores; bets_per_s = bets /"
echo "  (first connection .. last batch Ack); ceilings measured by the same loadgen process right after each run."
for ((r = 1; r <= runs; r++)); do
    for name in "${scenarios[@]}"; do
        run_once "$name" "$r"
    done
done
python3 tools/bench/ingest_stats.py summary "$work/results.jsonl"

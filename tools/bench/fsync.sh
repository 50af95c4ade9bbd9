#!/usr/bin/env bash
# Durable Acks, measured: the same ingest with SERVER_FSYNC=true (an Ack waits for an fsync; group commit: one
# fsync covers every batch written before it started) and SERVER_FSYNC=false (an Ack means the rows reached the
# operating system), alternating in one invocation so both see the same machine. Each run starts the server jar on
# loopback with a fresh storage directory and drives AGENCIES synthetic agencies x BETS bets from lottery-loadgen
# (up to 8 batches in flight per agency), then waits for the draw and every agency's winners.
#
#   bash tools/bench/fsync.sh [RUNS] [AGENCIES] [BETS]      (defaults 3 64 20000)
#
# Prints one line per run (wall time of the loadgen from its start to the last agency's winners, bets/s) and the
# medians with their ratio. Needs the jars (mvn -B -q package -DskipTests). Every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
agencies=${2:-64}
bets=${3:-20000}
server_jar=lottery-server/target/lottery-server.jar
loadgen_jar=lottery-loadgen/target/lottery-loadgen.jar
for jar in "$server_jar" "$loadgen_jar"; do
    [ -f "$jar" ] || { echo "fsync bench: $jar missing (mvn -B -q package -DskipTests)" >&2; exit 2; }
done
work=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# run_once FSYNC -> prints the seconds the loadgen took
run_once() {
    local fsync=$1 port dir start end
    port=$(free_port)
    dir=$work/$fsync-$RANDOM
    mkdir -p "$dir"
    SERVER_PORT=$port SERVER_IP=127.0.0.1 LOGGING_LEVEL=INFO SERVER_AGENCIES=$agencies SERVER_FSYNC=$fsync \
        SERVER_STORAGE_PATH=$dir/bets.csv java -jar "$server_jar" >"$dir/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
        grep -q 'accept_connections | result: in_progress' "$dir/server.log" && break
        sleep 0.1
    done
    grep -q 'accept_connections | result: in_progress' "$dir/server.log" || { echo "server did not start" >&2; exit 1; }
    start=$(date +%s.%N)
    java -jar "$loadgen_jar" --server "127.0.0.1:$port" --agencies "1..$agencies" --bets "$bets" \
        --out "$dir" --timeout-seconds 600 >"$dir/loadgen.log" 2>&1 || { tail -5 "$dir/loadgen.log" >&2; exit 1; }
    end=$(date +%s.%N)
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=
    [ "$(wc -l <"$dir/bets.csv")" -eq $((agencies * bets)) ] || { echo "stored rows differ" >&2; exit 1; }
    rm -f "$dir/bets.csv" "$dir/expected.csv"
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

total=$((agencies * bets))
echo "fsync bench: $agencies agencies x $bets bets = $total bets per run, $runs runs per mode, $(nproc) cores"
on=() off=()
for ((r = 1; r <= runs; r++)); do
    # Alternate which mode goes first, so a drift of the machine does not favour one.
    if ((r % 2)); then order=(true false); else order=(false true); fi
    for mode in "${order[@]}"; do
        t=$(run_once "$mode")
        printf 'run %d fsync=%-5s %7.3f s  %9.0f bets/s\n' "$r" "$mode" "$t" "$(awk -v n="$total" -v t="$t" 'BEGIN { print n / t }')"
        if [ "$mode" = true ]; then on+=("$t"); else off+=("$t"); fi
    done
done
m_on=$(printf '%s\n' "${on[@]}" | median)
m_off=$(printf '%s\n' "${off[@]}" | median)
awk -v on="$m_on" -v off="$m_off" -v n="$total" 'BEGIN {
    printf "median fsync=true  %.3f s  %.0f bets/s\n", on, n / on
    printf "median fsync=false %.3f s  %.0f bets/s\n", off, n / off
    printf "durable / page-cache throughput: %.2f\n", off / on
}'

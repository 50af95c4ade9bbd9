#!/usr/bin/env bash
# The draw over a large bets file, measured against same-run baselines. Generates ROWS bets once (lottery-loadgen's
# BetsFileWriter: the server's row format, 20 agencies taking turns in batches of 100, 5 in 1000 bets on 7574,
# deterministic) into a temporary directory, with the winners the draw must find. Then RUNS times, each pass in a
# fresh JVM with -Xmx256m (the server runs its draw once per start; the small heap shows the file is streamed), in
# this order so all three see the same machine:
#   read    - the file's bytes read through the draw's 256 KiB buffer, nothing done: the page-cache ceiling
#   draw    - the server's draw (CsvBetStore.draw: the byte scanner, a range per core)
#   jackson - the draw before it (lottery-bench's OldHotPaths.forEachBet: a Jackson String[] and a StoredBet per row,
#             then has_won)
# Each pass prints the seconds of the draw call itself (JVM start-up excluded) and the process's CPU seconds meanwhile
# (all threads, JIT compilers included: steadier than wall time on a shared machine) and writes the winners it found; a
# draw or jackson pass whose winners differ from the generator's fails the benchmark (exit 1).
#
#   bash tools/bench/draw.sh [ROWS] [RUNS] [MODES]     (defaults 10000000 3 "read draw jackson")
#
# Prints method, cores, JDK, file size, every pass, the medians and the ratios draw/read and jackson/draw. Needs the
# jars (mvn -B -q package -DskipTests). Every pass is bounded (timeout 300 s); the temporary directory is removed.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-10000000}
runs=${2:-3}
modes=${3:-read draw jackson}
[[ $rows =~ ^[0-9]+$ ]] || { echo "draw bench: ROWS must be a number" >&2; exit 2; }
[[ $runs =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] && [ "$runs" -le 20 ] || { echo "draw bench: RUNS is 1..20" >&2; exit 2; }
bench_jar=lottery-bench/target/lottery-bench.jar
loadgen_jar=lottery-loadgen/target/lottery-loadgen.jar
for jar in "$bench_jar" "$loadgen_jar"; do
    [ -f "$jar" ] || { echo "draw bench: $jar missing (mvn -B -q package -DskipTests)" >&2; exit 2; }
done
agencies=20
while [ $(( (rows + agencies - 1) / agencies )) -gt 1000000 ]; do agencies=$((agencies * 2)); done
work=$(mktemp -d "${TMPDIR:-/tmp}/draw-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "method: the draw over a generated bets file of $rows rows ($agencies agencies), each pass a fresh JVM" \
    "(-Xmx256m), timed inside the JVM around the draw call; passes interleaved as: $modes"
echo "machine: $(nproc) cores; JDK: $(java -version 2>&1 | head -1)"
timeout 900 java -cp "$loadgen_jar" lottery.loadgen.BetsFileWriter "$work/bets.csv" "$work/expected.txt" \
    "$rows" "$agencies" 1 5
echo "file: $(stat -c %s "$work/bets.csv") bytes, $(wc -l <"$work/expected.txt") winners expected"

failed=0
for run in $(seq 1 "$runs"); do
    for mode in $modes; do
        line=$(timeout 300 java -Xmx256m -cp "$bench_jar" lottery.bench.DrawBench "$mode" "$work/bets.csv" \
            "$work/winners-$mode.txt" 2>"$work/stderr-$mode.txt" | grep '^mode=') || {
            echo "run $run $mode: failed" >&2; tail -5 "$work/stderr-$mode.txt" >&2; exit 1; }
        verdict=
        if [ "$mode" != read ]; then
            if cmp -s "$work/winners-$mode.txt" "$work/expected.txt" && [[ $line == *" bets=$rows "* ]]; then
                verdict=" winners=right"
            else
                verdict=" WINNERS WRONG"
                failed=1
            fi
        fi
        echo "run $run $line$verdict"
        echo "$line" | sed -n 's/.* seconds=\([0-9.]*\).*/\1/p' >>"$work/seconds-$mode.txt"
        echo "$line" | sed -n 's/.* cpu_seconds=\([0-9.-]*\).*/\1/p' >>"$work/cpu-$mode.txt"
    done
done

median() {
    sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
declare -A med
for mode in $modes; do
    med[$mode]=$(median "$work/seconds-$mode.txt")
    echo "median $mode: ${med[$mode]} s (CPU $(median "$work/cpu-$mode.txt") s, all threads) over $runs runs"
done
if [ -n "${med[draw]:-}" ] && [ -n "${med[read]:-}" ]; then
    awk -v d="${med[draw]}" -v r="${med[read]}" \
        'BEGIN { printf "ratio draw/read: %.1f (the draw takes %.1f times the bare read)\n", d / r, d / r }'
fi
if [ -n "${med[draw]:-}" ] && [ -n "${med[jackson]:-}" ]; then
    awk -v d="${med[draw]}" -v j="${med[jackson]}" \
        'BEGIN { printf "ratio jackson/draw: %.1f (the draw is %.1f times faster than before)\n", j / d, j / d }'
fi
if [ -n "${med[draw]:-}" ]; then
    awk -v d="${med[draw]}" -v n="$rows" \
        'BEGIN { printf "draw: %.0f bets/s; target < 2 s: %s\n", n / d, (d < 2 ? "reached" : "missed") }'
fi
if [ "$failed" -ne 0 ]; then
    echo "draw bench: a draw found other winners than the generator wrote" >&2
    exit 1
fi

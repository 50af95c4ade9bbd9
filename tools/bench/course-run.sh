#!/usr/bin/env bash
# The course run on this machine, timed: the server and 5 agency clients started together on loopback with the
# course's data (../shared/data/dataset.zip: 5 agency files, 78,697 bets), wall time from the server's launch to
# the last client's exit. Two variants, alternating run by run in one invocation so both see the same machine:
#   launchers  bin/lottery-server and bin/lottery-client (their JDK, per-role JVM flags, class-data archive)
#   baseline   plain `java -jar` of the same jars with default flags (`java` on PATH, or $BASELINE_JAVA)
# Every run is checked: every client exits 0 and logs `consulta_ganadores | result: success` with its agency's
# winners (the rows of its file whose number is 7574, counted here), the server stores every row of every file and
# exits 0 on SIGTERM. A wrong result fails the script (exit 1); a slow one does not.
#
#   bash tools/bench/course-run.sh [RUNS]      (default 5 per variant, 1..20; needs the jars: make build)
#
# Before timing: the launchers' archives are recorded if stale (bin/lottery-cds, not timed) and each variant runs
# once untimed (page cache). Every run is bounded (RUN_TIMEOUT s, default 120). Without ../shared/data/dataset.zip
# the synthetic dataset of tools/data/GenerateDataset.java (what tools/data/ensure-data.sh generates) is used, and
# the output says so. Nothing is written into the repository: data and runs live in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
# free_port
# shellcheck source=tools/lib.sh
. tools/lib.sh

runs=${1:-5}
case $runs in '' | *[!0-9]*) echo "usage: $0 [RUNS]  (1..20)" >&2; exit 2 ;; esac
[ "$runs" -ge 1 ] && [ "$runs" -le 20 ] || { echo "usage: $0 [RUNS]  (1..20)" >&2; exit 2; }
run_timeout=${RUN_TIMEOUT:-120}
baseline_java=${BASELINE_JAVA:-java}
agencies=5
reference=1.5 # s: the best public solution of the assignment, its pause between batches removed (issue 11: 1.5-1.9 s)

for jar in lottery-server/target/lottery-server.jar lottery-client/target/lottery-client.jar; do
    [ -f "$jar" ] || { echo "course-run: $jar missing (make build)" >&2; exit 2; }
done

command -v python3 >/dev/null || { echo "course-run: needs python3 (a free port)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/course-run.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# The data: the course's zip, else the synthetic dataset.
# shellcheck source=tools/bench/course-data.sh
. tools/bench/course-data.sh   # the working directory is the repository root (cd above)
course_data "$work/data" "$agencies" course-run

now() { echo "${EPOCHREALTIME/,/.}"; }

# watchdog SECONDS PID...: in the background, kills the PIDs after SECONDS unless it is killed first (its sleep goes
# with it, and it holds no output open, so a command substitution around the run does not wait for it).
watchdog() {
    local seconds=$1
    shift
    (
        trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
        sleep "$seconds" &
        sleeper=$!
        wait "$sleeper" && kill -KILL "$@"
    ) >/dev/null 2>&1 &
}

# run_once VARIANT -> prints the wall seconds; exits 1 when the result is wrong or the run exceeds the bound.
run_once() {
    local variant=$1 dir port start end server_pid k status
    dir=$(mktemp -d "$work/run.XXXXXX")
    port=$(free_port)
    local -a server_cmd client_cmd
    if [ "$variant" = launchers ]; then
        server_cmd=("$root/bin/lottery-server")
        client_cmd=("$root/bin/lottery-client")
    else
        server_cmd=("$baseline_java" -jar "$root/lottery-server/target/lottery-server.jar")
        client_cmd=("$baseline_java" -jar "$root/lottery-client/target/lottery-client.jar")
    fi
    local -a client_pids=()
    cd "$dir" # no config.ini / config.yaml here: the environment alone configures both programs
    start=$(now)
    SERVER_IP=127.0.0.1 SERVER_PORT=$port SERVER_AGENCIES=$agencies SERVER_STORAGE_PATH="$dir/bets.csv" \
        LOGGING_LEVEL=INFO "${server_cmd[@]}" >"$dir/server.log" 2>&1 &
    server_pid=$!
    pids=("$server_pid")
    for k in $(seq 1 $agencies); do
        CLI_ID=$k CLI_SERVER_ADDRESS=127.0.0.1:$port CLI_LOOP_AMOUNT=1 CLI_LOOP_PERIOD=1s CLI_LOG_LEVEL=INFO \
            CLI_DATA_FILE="$work/data/agency-{id}.csv" "${client_cmd[@]}" >"$dir/client$k.log" 2>&1 &
        client_pids[k]=$!
        pids+=("$!")
    done
    # The bound: a watchdog kills the clients after run_timeout s (their wait then fails the run).
    watchdog "$run_timeout" "${client_pids[@]}"
    local watchdog=$!
    local failed=0
    for k in $(seq 1 $agencies); do
        status=0
        wait "${client_pids[k]}" || status=$?
        [ "$status" -eq 0 ] || { echo "course-run: $variant client $k exited $status" >&2; failed=1; }
    done
    end=$(now)
    kill "$watchdog" 2>/dev/null || true
    wait "$watchdog" 2>/dev/null || true
    kill -TERM "$server_pid" 2>/dev/null || true
    status=0
    # bounded: the server's shutdown grace is 5 s
    watchdog 30 "$server_pid"
    local server_watchdog=$!
    wait "$server_pid" || status=$?
    kill "$server_watchdog" 2>/dev/null || true
    wait "$server_watchdog" 2>/dev/null || true
    pids=()
    cd "$root"
    [ "$status" -eq 0 ] || { echo "course-run: $variant server exited $status" >&2; failed=1; }
    local stored
    stored=$(grep -c . "$dir/bets.csv" 2>/dev/null || true)
    [ "${stored:-0}" -eq "$expected_rows" ] ||
        { echo "course-run: $variant stored ${stored:-0} rows, expected $expected_rows" >&2; failed=1; }
    for k in $(seq 1 $agencies); do
        grep -q "action: consulta_ganadores | result: success | cant_ganadores: ${expected_winners[k]}\$" \
            "$dir/client$k.log" ||
            { echo "course-run: $variant client $k did not log its ${expected_winners[k]} winners" >&2; failed=1; }
    done
    if [ "$failed" -ne 0 ]; then
        for f in "$dir"/server.log "$dir"/client*.log; do echo "--- $f" >&2; tail -n 5 "$f" >&2; done
        exit 1
    fi
    rm -rf "$dir"
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

bin/lottery-cds train >/dev/null || echo "course-run: the launchers run without class-data archives" >&2
launcher_status=$(bin/lottery-cds status)
baseline_version=$("$baseline_java" -version 2>&1 | head -n 1)

echo "course-run: server + $agencies clients on loopback, $data_note: $expected_rows rows, winners per agency: ${expected_winners[*]}"
echo "method: wall time from the server's launch to the last client's exit; $runs runs per variant, alternating (launchers first in odd runs), after one untimed run of each; every run checked (rows stored, each client's winners, exit statuses)"
echo "machine: $(nproc) cores; bash ${BASH_VERSION%%(*}"
echo "launchers (bin/lottery-cds status):"
printf '%s\n' "$launcher_status" | sed 's/^/  /'
echo "baseline: $baseline_java -jar (default flags, no archive): $baseline_version"

run_once launchers >/dev/null
run_once baseline >/dev/null
ours=() base=()
for ((r = 1; r <= runs; r++)); do
    if ((r % 2)); then order=(launchers baseline); else order=(baseline launchers); fi
    for variant in "${order[@]}"; do
        # Not in a command substitution: its subshell would keep the pids the EXIT trap must kill.
        run_once "$variant" >"$work/time"
        t=$(cat "$work/time")
        printf 'run %d %-9s %6.3f s\n' "$r" "$variant" "$t"
        if [ "$variant" = launchers ]; then ours+=("$t"); else base+=("$t"); fi
    done
done
m_ours=$(printf '%s\n' "${ours[@]}" | median)
m_base=$(printf '%s\n' "${base[@]}" | median)
case $data_note in SYNTHETIC*) comparable=0 ;; *) comparable=1 ;; esac
awk -v o="$m_ours" -v b="$m_base" -v ref="$reference" -v comparable="$comparable" -v lo="$(printf '%s\n' "${ours[@]}" | sort -n | head -n 1)" \
    -v hi="$(printf '%s\n' "${ours[@]}" | sort -n | tail -n 1)" 'BEGIN {
    printf "median launchers %.3f s (%.3f-%.3f)\n", o, lo, hi
    printf "median baseline  %.3f s\n", b
    printf "baseline / launchers: %.2f\n", b / o
    if (comparable) printf "reference: the best public solution of the assignment, 1.5 s (1.5-1.9 s, issue 11, its pause between batches removed); launchers / reference: %.2f (target <= 1.5 s: %s)\n", o / ref, (o <= ref) ? "reached" : "not reached"
    else printf "reference: the 1.5 s of the best public solution is for the course data; not comparable with this synthetic data\n"
}'

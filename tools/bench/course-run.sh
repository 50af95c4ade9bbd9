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
#   bash tools/bench/course-run.sh [--tls] [RUNS]    (default 5 per variant, 1..20; needs the jars: make build)
#
# --tls: the second variant is not `java -jar` but the launchers over mutual TLS (the server with SERVER_TLS_CERT,
# _KEY and _CLIENT_CA, each client with its agency's certificate), against the same launchers in plain TCP: what TLS
# costs the course run. The certificates come from `generar-compose.sh FILE 5 --tls` in the temporary directory
# (needs openssl), made once before timing; every TLS run also checks that the server's TLS was on.
#
# Per run it also prints the CPU time (user + system) of each process: the server's up to the last client's exit
# (/proc/PID/stat, read before the SIGTERM), each client's whole life (GNU time, /usr/bin/time; without it the
# clients' CPU is not printed), and how long after its launch the server was listening (/proc/net/tcp6 and tcp
# polled every 20 ms, so to about 20 ms; the poll costs the machine roughly 0.1 s of CPU per run, the same for both
# variants, and is not in the figures).
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

tls=0
if [ "${1:-}" = --tls ]; then tls=1; shift; fi
runs=${1:-5}
case $runs in '' | *[!0-9]*) echo "usage: $0 [--tls] [RUNS]  (1..20)" >&2; exit 2 ;; esac
[ "$runs" -ge 1 ] && [ "$runs" -le 20 ] || { echo "usage: $0 [--tls] [RUNS]  (1..20)" >&2; exit 2; }
# How the output names the two variants (the second one is `baseline` inside the script).
declare -A label=([launchers]=launchers [baseline]=baseline)
[ "$tls" -eq 0 ] || label[baseline]=tls
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
if [ "$tls" -eq 1 ]; then
    command -v openssl >/dev/null || { echo "course-run: --tls needs openssl" >&2; exit 2; }
    mkdir -p "$work/tls"
    sh generar-compose.sh "$work/tls/compose.yaml" "$agencies" --tls >"$work/tls/generate.log" 2>&1 ||
        { cat "$work/tls/generate.log" >&2; echo "course-run: generar-compose.sh --tls failed" >&2; exit 1; }
fi
tls_dir=$work/tls/.secrets/tls
mkfifo "$work/never"
exec {never}<>"$work/never" # a FIFO nothing is written to: `read -t` on it is a sleep without a fork

now() { echo "${EPOCHREALTIME/,/.}"; }

gnu_time=
if [ -x /usr/bin/time ] && /usr/bin/time -f %U -o /dev/null true 2>/dev/null; then gnu_time=/usr/bin/time; fi
clock_ticks=$(getconf CLK_TCK)

# listen_probe PORT START OUT: in the background, writes into OUT the seconds from START until 127.0.0.1:PORT is
# listening (/proc/net/tcp6 and tcp, polled every 20 ms; at most 60 s), or nothing if it never was.
listen_probe() {
    local hex entry t
    printf -v hex '%04X' "$1"
    (
        for ((t = 0; t < 3000; t++)); do
            # Java listens on an IPv6 socket bound to ::ffff:127.0.0.1 (tcp6); another server may use IPv4 (tcp).
            read -r -d '' entry </proc/net/tcp6 || true
            [[ $entry == *"0000000000000000FFFF00000100007F:$hex 00000000000000000000000000000000:0000 0A"* ]] ||
                { read -r -d '' entry </proc/net/tcp || true; }
            if [[ $entry == *"0000000000000000FFFF00000100007F:$hex 00000000000000000000000000000000:0000 0A"* ||
                $entry == *"0100007F:$hex 00000000:0000 0A"* ]]; then
                awk -v s="$2" -v e="$(now)" 'BEGIN { printf "%.3f", e - s }' >"$3"
                exit 0
            fi
            read -r -t 0.02 -u "$never" || true
        done
    ) &
    probe_pid=$!
}

# cpu_of PID: the user + system CPU seconds of a running process
cpu_of() {
    local -a stat
    read -r -a stat <"/proc/$1/stat" 2>/dev/null || { echo 0; return; }
    # the fields after the command name (which may hold spaces): utime and stime are fields 14 and 15
    local rest=${stat[*]}
    rest=${rest##*) }
    read -r -a stat <<<"$rest"
    awk -v u="${stat[11]}" -v s="${stat[12]}" -v hz="$clock_ticks" 'BEGIN { printf "%.2f", (u + s) / hz }'
}

# watchdog SECONDS PID...: in the background, kills the PIDs after SECONDS unless it is killed first (its sleep goes
# with it, and it holds no output open, so a command substitution around the run does not wait for it).
watchdog() {
    local seconds=$1
    shift
    (
        trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
        sleep "$seconds" &
        sleeper=$!
        wait "$sleeper" || exit 0
        for p in "$@"; do pkill -KILL -P "$p"; done # the JVMs under GNU time (none else)
        kill -KILL "$@"
    ) >/dev/null 2>&1 &
}

# run_once VARIANT -> prints the wall seconds, then the CPU seconds of the server and of each client and the
# server's listening delay ("-" when not measured); exits 1 when the result is wrong or the run exceeds the bound.
run_once() {
    local variant=$1 dir port start end server_pid k status
    dir=$(mktemp -d "$work/run.XXXXXX")
    port=$(free_port)
    local -a server_cmd client_cmd server_tls=() client_tls=()
    if [ "$variant" = launchers ]; then
        server_cmd=("$root/bin/lottery-server")
        client_cmd=("$root/bin/lottery-client")
    elif [ "$tls" -eq 1 ]; then
        server_cmd=("$root/bin/lottery-server")
        client_cmd=("$root/bin/lottery-client")
        server_tls=(SERVER_TLS_CERT="$tls_dir/server.pem" SERVER_TLS_KEY="$tls_dir/server.key"
            SERVER_TLS_CLIENT_CA="$tls_dir/ca.pem")
    else
        server_cmd=("$baseline_java" -jar "$root/lottery-server/target/lottery-server.jar")
        client_cmd=("$baseline_java" -jar "$root/lottery-client/target/lottery-client.jar")
    fi
    local -a client_pids=()
    cd "$dir" # no config.ini / config.yaml here: the environment alone configures both programs
    start=$(now)
    env "${server_tls[@]}" SERVER_IP=127.0.0.1 SERVER_PORT="$port" SERVER_AGENCIES=$agencies \
        SERVER_STORAGE_PATH="$dir/bets.csv" LOGGING_LEVEL=INFO "${server_cmd[@]}" >"$dir/server.log" 2>&1 &
    server_pid=$!
    pids=("$server_pid")
    listen_probe "$port" "$start" "$dir/listen"
    pids+=("$probe_pid")
    local -a timed=()
    [ -z "$gnu_time" ] || timed=("$gnu_time" -f "%U %S")
    for k in $(seq 1 $agencies); do
        [ -z "$gnu_time" ] || timed[3]=-o timed[4]="$dir/cpu$k"
        [ "${#server_tls[@]}" -eq 0 ] || client_tls=(CLI_TLS_CA="$tls_dir/ca.pem"
            CLI_TLS_CERT="$tls_dir/agency-$k.pem" CLI_TLS_KEY="$tls_dir/agency-$k.key")
        env "${client_tls[@]}" CLI_ID=$k CLI_SERVER_ADDRESS=127.0.0.1:$port CLI_LOOP_AMOUNT=1 CLI_LOOP_PERIOD=1s \
            CLI_LOG_LEVEL=INFO CLI_DATA_FILE="$work/data/agency-{id}.csv" "${timed[@]}" "${client_cmd[@]}" \
            >"$dir/client$k.log" 2>&1 &
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
    local server_cpu
    server_cpu=$(cpu_of "$server_pid")
    kill "$watchdog" 2>/dev/null || true
    wait "$watchdog" 2>/dev/null || true
    kill "$probe_pid" 2>/dev/null || true
    wait "$probe_pid" 2>/dev/null || true
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
    if [ "${#server_tls[@]}" -gt 0 ] && ! grep -q 'action: tls | result: success' "$dir/server.log"; then
        echo "course-run: ${label[$variant]}: the server's TLS was not on" >&2
        failed=1
    fi
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
    local cpus="" listen="-" u sy
    for k in $(seq 1 $agencies); do
        if [ -n "$gnu_time" ] && read -r u sy <"$dir/cpu$k"; then
            cpus+=" $(awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.2f", u + s }')"
        else
            cpus+=" -"
        fi
    done
    [ -s "$dir/listen" ] && listen=$(cat "$dir/listen")
    rm -rf "$dir"
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
    echo " $server_cpu$cpus $listen"
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
if [ "$tls" -eq 1 ]; then
    echo "tls: the same launchers over mutual TLS (certificates of generar-compose.sh --tls; plain connections refused)"
else
    echo "baseline: $baseline_java -jar (default flags, no archive): $baseline_version"
fi

run_once launchers >/dev/null
run_once baseline >/dev/null
ours=() base=()
: >"$work/cpu-launchers"
: >"$work/cpu-baseline"
for ((r = 1; r <= runs; r++)); do
    if ((r % 2)); then order=(launchers baseline); else order=(baseline launchers); fi
    for variant in "${order[@]}"; do
        # Not in a command substitution: its subshell would keep the pids the EXIT trap must kill.
        run_once "$variant" >"$work/time"
        read -r t server_cpu c1 c2 c3 c4 c5 listen <"$work/time"
        total=$(awk -v a="$server_cpu $c1 $c2 $c3 $c4 $c5" 'BEGIN { n = split(a, v, " "); for (i = 1; i <= n; i++) { if (v[i] == "-") { print "-"; exit } s += v[i] } printf "%.2f", s }')
        printf 'run %d %-9s %6.3f s  cpu: server %s (listening after %s s), clients %s %s %s %s %s, total %s\n' \
            "$r" "${label[$variant]}" "$t" "$server_cpu" "$listen" "$c1" "$c2" "$c3" "$c4" "$c5" "$total"
        echo "$server_cpu $c1 $c2 $c3 $c4 $c5 $listen $total" >>"$work/cpu-$variant"
        if [ "$variant" = launchers ]; then ours+=("$t"); else base+=("$t"); fi
    done
done
m_ours=$(printf '%s\n' "${ours[@]}" | median)
m_base=$(printf '%s\n' "${base[@]}" | median)
case $data_note in SYNTHETIC*) comparable=0 ;; *) comparable=1 ;; esac
awk -v o="$m_ours" -v b="$m_base" -v bname="${label[baseline]}" -v ref="$reference" -v comparable="$comparable" -v lo="$(printf '%s\n' "${ours[@]}" | sort -n | head -n 1)" \
    -v hi="$(printf '%s\n' "${ours[@]}" | sort -n | tail -n 1)" 'BEGIN {
    printf "median launchers %.3f s (%.3f-%.3f)\n", o, lo, hi
    printf "median %-9s %.3f s\n", bname, b
    printf "%s / launchers: %.2f\n", bname, b / o
    if (comparable) printf "reference: the best public solution of the assignment, 1.5 s (1.5-1.9 s, issue 11, its pause between batches removed); launchers / reference: %.2f (target <= 1.5 s: %s)\n", o / ref, (o <= ref) ? "reached" : "not reached"
    else printf "reference: the 1.5 s of the best public solution is for the course data; not comparable with this synthetic data\n"
}'
# Per-process CPU: medians over the runs of each variant (clients: the median of the five clients' medians is not
# what is wanted; each client's column is its own median, then the largest of them is printed as the worst client).
cpu_summary() {
    awk -v name="$1" '{ for (i = 1; i <= 8; i++) v[i, NR] = $i } END {
        for (i = 1; i <= 8; i++) {
            n = 0; for (r = 1; r <= NR; r++) if (v[i, r] != "-") { n++; x[n] = v[i, r] }
            for (a = 1; a <= n; a++) for (b = a + 1; b <= n; b++) if (x[b] < x[a]) { t = x[a]; x[a] = x[b]; x[b] = t }
            m[i] = (n == 0) ? "-" : ((n % 2) ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2)
        }
        worst = "-"; for (i = 2; i <= 6; i++) if (m[i] != "-" && (worst == "-" || m[i] > worst)) worst = m[i]
        printf "%s\t%s\t%s\t%s %s %s %s %s\t%s\t%s\n", name, m[8], m[1], m[2], m[3], m[4], m[5], m[6], worst, m[7]
    }' "$work/cpu-$1"
}
IFS=$'\t' read -r _ l_total l_server l_clients l_worst l_listen < <(cpu_summary launchers)
IFS=$'\t' read -r _ b_total b_server b_clients b_worst b_listen < <(cpu_summary baseline)
echo "median CPU-s (user + system) per process, same runs; launchers: total $l_total, server $l_server (listening after $l_listen s), clients $l_clients (largest $l_worst)"
echo "median CPU-s (user + system) per process, same runs; ${label[baseline]}:  total $b_total, server $b_server (listening after $b_listen s), clients $b_clients (largest $b_worst)"
awk -v l="$l_total" -v b="$b_total" -v bname="${label[baseline]}" \
    'BEGIN { if (l != "-" && b != "-" && l > 0) printf "%s / launchers, total CPU: %.2f\n", bname, b / l }'

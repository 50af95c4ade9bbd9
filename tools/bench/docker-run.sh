#!/usr/bin/env bash
# The course run in Docker, timed: the compose file of `generar-compose.sh FILE 5` (server + 5 agency containers,
# the project's images) with the course's data (../shared/data/dataset.zip: 5 agency files, 78,697 bets), wall time
# from `docker compose up` to the last agency container's exit (the daemon's FinishedAt of client1..5 against the
# host clock read right before `up`; same clock). Same-run baseline, alternating run by run: the Docker floor, the
# same compose shape (6 containers on one network, the clients depending on the server) with busybox containers
# that exit at once; the output gives the ratio. Every run is checked: each client exits 0 and logs its winners (the
# rows of its file whose number is 7574, counted here), the server stored every row. A wrong result fails the
# script (exit 1); a slow one does not.
#
#   bash tools/bench/docker-run.sh [RUNS]     (default 3 per variant, 1..10; needs a Docker engine)
#
# The images are built once before timing (docker build -f ./server|client/Dockerfile, as the course does; NO_BUILD=1
# skips that and times whatever server:latest and client:latest are; SERVER_IMAGE / CLIENT_IMAGE time other tags),
# then each variant runs once untimed. Each run is bounded (RUN_TIMEOUT s, default 120). Everything happens in a
# temporary directory holding the compose file, copies of server/config.ini and client/config.yaml and .data/: the
# repository's .data/ is not touched. The Compose project is `tp0` (containers server, client1..5), as with
# `make docker-compose-up`: a running tp0 system is stopped first.
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=${1:-3}
case $runs in '' | *[!0-9]*) echo "usage: $0 [RUNS]  (1..10)" >&2; exit 2 ;; esac
[ "$runs" -ge 1 ] && [ "$runs" -le 10 ] || { echo "usage: $0 [RUNS]  (1..10)" >&2; exit 2; }
run_timeout=${RUN_TIMEOUT:-120}
server_image=${SERVER_IMAGE:-server:latest}
client_image=${CLIENT_IMAGE:-client:latest}
agencies=5
docker info >/dev/null 2>&1 || { echo "docker-run: no Docker engine (../shared/docker/engine.sh up)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/docker-run.XXXXXX")
real=(docker compose --project-directory "$work/real" -f "$work/real/docker-compose.yaml")
floor=(docker compose --project-directory "$work/floor" -f "$work/floor/docker-compose.yaml")
cleanup() {
    "${real[@]}" down -t 1 --remove-orphans >/dev/null 2>&1 || true
    "${floor[@]}" down -t 1 --remove-orphans >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# The system under test: the generator's compose file, with the images to time.
mkdir -p "$work/real/server" "$work/real/client" "$work/real/.data/state" "$work/floor"
sh generar-compose.sh "$work/real/docker-compose.yaml" $agencies >/dev/null
sed -i "s|image: server:latest|image: $server_image|; s|image: client:latest|image: $client_image|" \
    "$work/real/docker-compose.yaml"
cp server/config.ini "$work/real/server/config.ini"
cp client/config.yaml "$work/real/client/config.yaml"
# The floor: the same shape, busybox containers that exit at once.
{
    echo "name: tp0floor"
    echo "services:"
    echo "  server:"
    echo "    container_name: floor-server"
    echo "    image: busybox:latest"
    echo "    command: [\"true\"]"
    echo "    networks: [testing_net]"
    for k in $(seq 1 $agencies); do
        echo "  client$k:"
        echo "    container_name: floor-client$k"
        echo "    image: busybox:latest"
        echo "    command: [\"true\"]"
        echo "    networks: [testing_net]"
        echo "    depends_on: [server]"
    done
    echo "networks:"
    echo "  testing_net: {}"
} >"$work/floor/docker-compose.yaml"

# The data: the course's zip, else the synthetic dataset.
data=$work/real/.data
# shellcheck source=tools/bench/course-data.sh
. tools/bench/course-data.sh   # the working directory is the repository root (cd above)
course_data "$data" "$agencies" docker-run

if [ "${NO_BUILD:-0}" != 1 ]; then
    echo "docker-run: building the images (not timed)"
    docker build -q -f ./server/Dockerfile -t server:latest . >/dev/null
    docker build -q -f ./client/Dockerfile -t client:latest . >/dev/null
fi

clients=()
for k in $(seq 1 $agencies); do clients+=("client$k"); done
floor_clients=()
for k in $(seq 1 $agencies); do floor_clients+=("floor-client$k"); done

# finished_at CONTAINER... -> the latest FinishedAt as epoch seconds
finished_at() {
    local latest=0 t s
    for c in "$@"; do
        t=$(docker inspect -f '{{.State.FinishedAt}}' "$c")
        s=$(date -d "$t" +%s.%N)
        latest=$(awk -v a="$latest" -v b="$s" 'BEGIN { print (b > a) ? b : a }')
    done
    echo "$latest"
}

# run_once VARIANT -> prints the wall seconds; exits 1 when the result is wrong or the run exceeds the bound.
run_once() {
    local variant=$1 start end k failed=0
    local -a compose names
    if [ "$variant" = lottery ]; then
        compose=("${real[@]}")
        names=("${clients[@]}")
        rm -rf "$data/state"
        mkdir -p "$data/state"
    else
        compose=("${floor[@]}")
        names=("${floor_clients[@]}")
    fi
    "${compose[@]}" down -t 1 --remove-orphans >/dev/null 2>&1 || true
    start=$(date +%s.%N)
    "${compose[@]}" up -d --quiet-pull >"$work/up.log" 2>&1 ||
        { tail -n 5 "$work/up.log" >&2; echo "docker-run: $variant: compose up failed (above: its last lines)" >&2; exit 1; }
    timeout "$run_timeout" docker wait "${names[@]}" >"$work/status" ||
        { echo "docker-run: $variant: the agencies did not exit within ${run_timeout}s" >&2; failed=1; }
    end=$(finished_at "${names[@]}")
    if [ "$variant" = lottery ]; then
        k=0
        while read -r status; do
            k=$((k + 1))
            [ "$status" = 0 ] || { echo "docker-run: client$k exited $status" >&2; failed=1; }
        done <"$work/status"
        for k in $(seq 1 $agencies); do
            # The daemon copies a container's output into its log a moment after the exit: read it again, bounded.
            local tries=0
            until docker logs "client$k" 2>&1 |
                grep -q "action: consulta_ganadores | result: success | cant_ganadores: ${expected_winners[k]}\$"; do
                tries=$((tries + 1))
                if [ "$tries" -ge 30 ]; then
                    echo "docker-run: client$k did not log its ${expected_winners[k]} winners" >&2
                    failed=1
                    break
                fi
                sleep 0.1
            done
        done
        docker stop -t 10 server >/dev/null
        local stored
        stored=$(grep -c . "$data/state/bets.csv" 2>/dev/null || true)
        [ "${stored:-0}" -eq "$expected_rows" ] ||
            { echo "docker-run: stored ${stored:-0} rows, expected $expected_rows" >&2; failed=1; }
        if [ "$failed" -ne 0 ]; then
            for c in server "${clients[@]}"; do echo "--- $c" >&2; docker logs "$c" 2>&1 | tail -n 5 >&2; done
        fi
    fi
    "${compose[@]}" down -t 1 --remove-orphans >/dev/null 2>&1 || true
    [ "$failed" -eq 0 ] || exit 1
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "docker-run: generar-compose.sh FILE $agencies (server + $agencies agencies), $data_note: $expected_rows rows, winners per agency: ${expected_winners[*]}"
echo "method: wall time from \`docker compose up\` to the last agency container's FinishedAt; baseline: the Docker floor (the same compose shape, busybox containers exiting at once); $runs runs per variant, alternating, after one untimed run of each; every lottery run checked (rows stored, each agency's winners, exit statuses)"
echo "machine: $(nproc) cores; $(docker version -f 'engine {{.Server.Version}}' 2>/dev/null), $(docker compose version --short 2>/dev/null | sed 's/^/compose /')"
for image in "$server_image" "$client_image"; do
    echo "image $image: $(docker inspect -f '{{.Id}}' "$image" | cut -c8-19), entrypoint: $(docker inspect -f '{{join .Config.Entrypoint " "}}' "$image")"
    echo "  runtime: $(docker run --rm --entrypoint sh "$image" -c 'java -version 2>&1' 2>/dev/null | head -n 1)"
done

run_once lottery >/dev/null
run_once floor >/dev/null
ours=() base=()
for ((r = 1; r <= runs; r++)); do
    if ((r % 2)); then order=(lottery floor); else order=(floor lottery); fi
    for variant in "${order[@]}"; do
        t=$(run_once "$variant")
        printf 'run %d %-7s %6.3f s\n' "$r" "$variant" "$t"
        if [ "$variant" = lottery ]; then ours+=("$t"); else base+=("$t"); fi
    done
done
m_ours=$(printf '%s\n' "${ours[@]}" | median)
m_base=$(printf '%s\n' "${base[@]}" | median)
awk -v o="$m_ours" -v b="$m_base" -v lo="$(printf '%s\n' "${ours[@]}" | sort -n | head -n 1)" \
    -v hi="$(printf '%s\n' "${ours[@]}" | sort -n | tail -n 1)" 'BEGIN {
    printf "median lottery %.3f s (%.3f-%.3f)\n", o, lo, hi
    printf "median floor   %.3f s (Docker alone: 6 containers that exit at once)\n", b
    printf "lottery / floor: %.2f; lottery - floor: %.3f s\n", o / b, o - b
    printf "target <= 3 s: %s\n", (o <= 3) ? "reached" : "not reached"
}'

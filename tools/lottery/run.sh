#!/usr/bin/env bash
# Runs one whole lottery in Docker and reports it (`make lottery`, which builds the images first):
#   1. writes its own compose file for N agencies (default 5) under target/ (git-ignored; the committed
#      docker-compose-dev.yaml is left alone) and prepares .data/agency-1..N.csv;
#   2. stops and removes whatever an earlier run or `make docker-compose-up` left of the system;
#   3. starts the system with every client forced into lottery mode (CLI_MODE=lottery, whatever
#      client/config.yaml says) and without the single-bet variables NOMBRE..NUMERO, so each agency sends its
#      whole file (also on the branches ej1..ej5, whose compose defaults are echo or the single bet); waits (bounded by LOTTERY_TIMEOUT seconds, default 600) until every client has exited;
#   4. prints each agency's exit status, bets sent and winners (cant_ganadores), the server's draw line and the
#      number of stored bets;
#   5. stops and removes the containers (always, also on failure or Ctrl-C).
# The bets of an earlier run are not mixed in: with SERVER_NEW_ROUND=true (set when .data/state holds an earlier
# round) the server archives an existing .data/state/bets.csv at start (renamed to bets-<timestamp>.csv beside it with its round log, logged as
# `action: archive_bets`), so the draw and the count below see this run's bets only. The containers run as the
# invoking user (LOTTERY_UID/LOTTERY_GID), so the files the server writes there are theirs; nothing here writes into
# .data/state/ itself, so it also works when an older run left that directory owned by root (then the containers
# run as root). A server that exits with an error is restarted by Compose (`restart: on-failure`) and resumes the
# round: the wait below goes on while it restarts.
# Exit status 0 only when every client exited 0, logged its winners and the server logged a successful draw.
#
#   bash tools/lottery/run.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."

agencies=${1:-5}
timeout_s=${LOTTERY_TIMEOUT:-600}
compose_file=target/lottery/docker-compose.yaml
bets_file=.data/state/bets.csv
# The project directory is the repository root, so the generated file's ./server, ./client and ./.data paths
# resolve there.
compose=(docker compose --project-directory . -f "$compose_file")

# The whole lottery whatever the config file and the caller's environment say (empty means unset to the client).
export CLI_MODE=lottery LOTTERY_EXERCISE=8
# A new round when an earlier run left one (a server started on it would resume it), and only then:
# SERVER_NEW_ROUND=true stays in the server's environment, so a server Compose restarts (`restart: on-failure`) would
# archive this run's round too. On a .data/state without a round, a restarted server resumes this one.
if [ -e .data/state/bets.csv ] || [ -e .data/state/bets.csv.round ]; then
    export SERVER_NEW_ROUND=true
else
    unset SERVER_NEW_ROUND
fi
unset NOMBRE APELLIDO DOCUMENTO NACIMIENTO NUMERO

stop_system() {
    "${compose[@]}" stop -t 10 >/dev/null 2>&1 || true
    # --remove-orphans: also the containers of a larger docker-compose-dev.yaml system (same project, tp0)
    "${compose[@]}" down --remove-orphans >/dev/null 2>&1 || true
}

# status NAME -> "running", "exited", ... or "missing"
status() {
    docker inspect -f '{{.State.Status}}' "$1" 2>/dev/null || echo missing
}

exit_code() {
    docker inspect -f '{{.State.ExitCode}}' "$1" 2>/dev/null || echo "?"
}

# detail CONTAINER ACTION KEY -> the KEY value of the last "action: ACTION | result: success" line, or "-"
detail() {
    local value
    value=$(docker logs "$1" 2>&1 | grep "action: $2 | result: success" | tail -n 1 \
        | sed -n "s/.*| $3: \([^|]*\).*/\1/p" | sed 's/[[:space:]]*$//') || true
    echo "${value:--}"
}

mkdir -p "$(dirname "$compose_file")"
sh generar-compose.sh "$compose_file" "$agencies"
sh tools/data/ensure-data.sh "$agencies"

stop_system # leftovers of an earlier run
trap stop_system EXIT
# The containers run as the invoking user, so the bets the server writes into .data/state are theirs
# (tools/lottery/compose-user.sh: root instead when an older run left .data/state owned by root).
# shellcheck disable=SC2046 # VAR=VALUE words
export $(sh tools/lottery/compose-user.sh .data/state)
start=$(date +%s)
"${compose[@]}" up -d

clients=()
for ((k = 1; k <= agencies; k++)); do clients+=("client$k"); done

echo "lottery: waiting for ${agencies} agencies (at most ${timeout_s}s)..."
failed=0
last_report=$start
while :; do
    done_count=0
    for c in "${clients[@]}"; do
        [ "$(status "$c")" = exited ] && done_count=$((done_count + 1))
    done
    now=$(date +%s)
    [ "$done_count" -eq "$agencies" ] && break
    server_status=$(status server)
    if [ "$server_status" != running ] && [ "$server_status" != restarting ]; then
        echo "lottery: the server stopped before every agency finished" >&2
        failed=1
        break
    fi
    if [ $((now - start)) -ge "$timeout_s" ]; then
        echo "lottery: timed out after ${timeout_s}s with $done_count/$agencies agencies done" >&2
        failed=1
        break
    fi
    if [ $((now - last_report)) -ge 10 ]; then
        echo "lottery: $done_count/$agencies agencies done after $((now - start))s"
        last_report=$now
    fi
    sleep 1
done
elapsed=$(($(date +%s) - start))

echo
printf '%-8s %-6s %-8s %s\n' agency exit bets cant_ganadores
for ((k = 1; k <= agencies; k++)); do
    code=$(exit_code "client$k")
    winners=$(detail "client$k" consulta_ganadores cant_ganadores)
    printf '%-8s %-6s %-8s %s\n' "$k" "$code" "$(detail "client$k" summary bets)" "$winners"
    if [ "$code" != 0 ] || [ "$winners" = - ]; then
        failed=1
        echo "--- last lines of client$k:" >&2
        docker logs --tail 15 "client$k" >&2 2>&1 || true
    fi
done
echo
archived=$(docker logs server 2>&1 | grep 'action: archive_bets | result: success' | tail -n 1 || true)
[ -z "$archived" ] || echo "server: $archived"
draw=$(docker logs server 2>&1 | grep 'action: sorteo | result: success' | tail -n 1 || true)
if [ -n "$draw" ]; then
    echo "server: $draw"
else
    echo "server: no 'action: sorteo | result: success' line" >&2
    docker logs server 2>&1 | grep 'action: sorteo' | tail -n 3 >&2 || true
    failed=1
fi
if [ -f "$bets_file" ]; then
    echo "stored bets in $bets_file: $(awk 'END { print NR }' "$bets_file")"
fi
echo "elapsed: ${elapsed}s from 'compose up' to the last agency's exit"

if [ "$failed" -ne 0 ]; then
    echo "lottery: FAILED" >&2
    exit 1
fi
echo "lottery: success"

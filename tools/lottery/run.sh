#!/usr/bin/env bash
# Runs one whole lottery in Docker and reports it (`make lottery`, which builds the images first):
#   1. writes docker-compose-dev.yaml for N agencies (default 5) and prepares .data/agency-1..N.csv;
#   2. moves an earlier bets file aside (.data/state/bets.previous.csv), so the draw sees this run's bets only;
#   3. starts the system, waits (bounded by LOTTERY_TIMEOUT seconds, default 600) until every client has exited;
#   4. prints each agency's exit status, bets sent and winners (cant_ganadores), the server's draw line and the
#      number of stored bets;
#   5. stops and removes the containers (always, also on failure or Ctrl-C).
# Exit status 0 only when every client exited 0, logged its winners and the server logged the draw.
#
#   bash tools/lottery/run.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."

agencies=${1:-5}
timeout_s=${LOTTERY_TIMEOUT:-600}
compose_file=docker-compose-dev.yaml
bets_file=.data/state/bets.csv
compose=(docker compose -f "$compose_file")

stop_system() {
    "${compose[@]}" stop -t 10 >/dev/null 2>&1 || true
    "${compose[@]}" down >/dev/null 2>&1 || true
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

sh generar-compose.sh "$compose_file" "$agencies"
sh tools/data/ensure-data.sh "$agencies"
if [ -f "$bets_file" ]; then
    mv -f "$bets_file" .data/state/bets.previous.csv
    echo "lottery: moved the previous bets file to .data/state/bets.previous.csv"
fi

stop_system # leftovers of an earlier run
trap stop_system EXIT
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
    if [ "$(status server)" != running ]; then
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
draw=$(docker logs server 2>&1 | grep 'action: sorteo' || true)
if [ -n "$draw" ]; then
    echo "server: $draw"
else
    echo "server: no 'action: sorteo' line" >&2
    failed=1
fi
[ -f "$bets_file" ] && echo "stored bets in $bets_file: $(wc -l <"$bets_file")"
echo "elapsed: ${elapsed}s from 'compose up' to the last agency's exit"

if [ "$failed" -ne 0 ]; then
    echo "lottery: FAILED" >&2
    exit 1
fi
echo "lottery: success"

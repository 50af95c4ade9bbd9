#!/usr/bin/env bash
# Runs the end-to-end scenarios (tools/e2e/scenarios.sh) against Docker, each in its own process with a time limit,
# cleaning up after every one of them even when it fails: Compose system and mocks down, the config files and
# docker-compose-dev.yaml restored. The agency files and bets of .data/ are set aside for the run and put back at
# the end. Prints one line per scenario and a closing "N passed, N failed"; exits non-zero when any failed.
#
#   bash tools/e2e/run.sh [NAME...]     (default: every scenario; `make e2e` runs them all)
#
# Environment: E2E_SCENARIO_TIMEOUT (seconds per scenario, default 300), E2E_VERBOSE=1 (print every scenario's
# log, not only the failing ones'). Needs Docker with Compose v2 and the images' base (eclipse-temurin:17-jre).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# say, summary
# shellcheck source=tools/lib.sh
. tools/lib.sh
SAY_TAG=e2e

scenario_timeout=${E2E_SCENARIO_TIMEOUT:-300}
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lottery-e2e.XXXXXX")
export E2E_TMP
saved_files=(server/config.ini client/config.yaml docker-compose-dev.yaml)
data_backup=$E2E_TMP/data-backup

compose_down() {
    local mock=tools/e2e/mocks/docker-compose-mock.yaml profile
    for profile in healthy unhealthy; do
        docker compose -f "$mock" --profile "$profile" down -t 1 >/dev/null 2>&1 || true
    done
    make docker-compose-down >/dev/null 2>&1 || true
    # anything of project tp0 that another compose file left behind
    docker ps -aq --filter label=com.docker.compose.project=tp0 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1 \
        || true
    docker network rm tp0_testing_net >/dev/null 2>&1 || true
    # the database of the scaled-out scenario (generar-compose.sh --store postgres): each run starts empty
    docker volume rm tp0_postgres-data >/dev/null 2>&1 || true
}

restore_files() {
    local f
    for f in "${saved_files[@]}"; do
        # in place (same inode), as the single-file bind mounts expect
        cat "$E2E_TMP/original-${f//\//_}" >"$f"
    done
}

# remove_dir DIR: rm -rf DIR; when Docker created it (owned by root) and this user may not empty it, a throwaway
# container of the base image removes it instead.
remove_dir() {
    local parent
    rm -rf "$1" 2>/dev/null
    [ -e "$1" ] || return 0
    parent=$(cd "$(dirname "$1")" && pwd) || return 1
    docker run --rm -v "$parent:/parent" --entrypoint rm eclipse-temurin:17-jre -rf "/parent/$(basename "$1")" \
        >/dev/null 2>&1
    [ ! -e "$1" ]
}

# The user's agency files and bets go aside for the run; whatever the run wrote there is removed at the end.
# .data/state is copied and then removed (not moved): it may be root-owned when Docker created it.
# On failure nothing has changed in .data/.
stash_data() {
    mkdir -p "$data_backup" .data || return 1
    if [ -d .data/state ]; then
        cp -R .data/state "$data_backup/state" || return 1
        if ! remove_dir .data/state; then
            echo "e2e: cannot set .data/state aside (not removable by this user, and Docker could not remove it)" >&2
            return 1
        fi
    fi
    mv .data/agency-*.csv "$data_backup/" 2>/dev/null || true
    return 0
}

unstash_data() {
    rm -f .data/agency-*.csv
    remove_dir .data/state || echo "e2e: cannot remove the run's .data/state" >&2
    mv "$data_backup"/agency-*.csv .data/ 2>/dev/null || true
    if [ -d "$data_backup/state" ]; then
        if [ -e .data/state ]; then
            mv "$data_backup/state" .data/state.before-e2e && echo "e2e: your bets directory is in .data/state.before-e2e" >&2
        else
            mv "$data_backup/state" .data/state
        fi
    fi
    return 0
}

finish() {
    compose_down
    restore_files
    unstash_data
    rm -rf "$E2E_TMP"
}

command -v docker >/dev/null 2>&1 || { echo "e2e: docker not found" >&2; echo "0 passed, 1 failed"; exit 1; }
docker compose version >/dev/null 2>&1 || { echo "e2e: docker compose v2 not found" >&2; echo "0 passed, 1 failed"; exit 1; }

for f in "${saved_files[@]}"; do
    cp "$f" "$E2E_TMP/original-${f//\//_}" || { echo "e2e: cannot save $f" >&2; exit 1; }
done
# the committed 5-client file, for the generator scenario
cp docker-compose-dev.yaml "$E2E_TMP/original-compose.yaml"
if ! stash_data; then
    rm -rf "$E2E_TMP"
    echo "0 passed, 1 failed"
    exit 1
fi
trap finish EXIT
trap 'exit 130' INT TERM

compose_down
say "building the images (make docker-image)"
if ! make docker-image >"$E2E_TMP/build.log" 2>&1; then
    tail -n 40 "$E2E_TMP/build.log"
    echo "e2e: make docker-image failed"
    echo "0 passed, 1 failed"
    exit 1
fi

if [ "$#" -gt 0 ]; then
    scenarios=("$@")
else
    mapfile -t scenarios < <(bash tools/e2e/scenarios.sh --list)
fi

passed=0
failed=0
failed_names=()
suite_start=$SECONDS
for name in "${scenarios[@]}"; do
    start=$SECONDS
    scenario_log=$E2E_TMP/$name.log
    timeout --kill-after=10 "$scenario_timeout" bash tools/e2e/scenarios.sh "$name" >"$scenario_log" 2>&1
    status=$?
    took=$((SECONDS - start))
    if [ "$status" -eq 0 ]; then
        passed=$((passed + 1))
        say "PASS $name (${took}s)"
        grep '^\[e2e ' "$scenario_log" | sed 's/^/    /'
        [ "${E2E_VERBOSE:-0}" = 1 ] && sed 's/^/    | /' "$scenario_log"
    else
        failed=$((failed + 1))
        failed_names+=("$name")
        [ "$status" -eq 124 ] && echo "TIMEOUT: over ${scenario_timeout}s" >>"$scenario_log"
        say "FAIL $name (${took}s, status $status); its output, then the containers' last log lines:"
        tail -n 60 "$scenario_log" | sed 's/^/    | /'
        for c in $(docker ps -a --filter label=com.docker.compose.project=tp0 --format '{{.Names}}' | sort); do
            echo "    --- $c ($(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$c"))"
            docker logs --tail 15 "$c" 2>&1 | sed 's/^/    | /'
        done
    fi
    compose_down
    restore_files
done

say "done in $((SECONDS - suite_start))s${failed_names[*]:+; failed: ${failed_names[*]}}"
summary

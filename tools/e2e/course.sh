#!/usr/bin/env bash
# The course's black-box contract, checked by the project's own code (issue 8): on a fresh clone of the committed
# HEAD, with no images and no jars, for each exercise N it does what the course's tests do (branch ejN made by
# tools/course-branches.sh, `git checkout .` + `git switch ejN`, the two config files written exactly as the tests
# write them, `generar-compose.sh`, the two `docker build` commands, `docker compose up -d`) and checks the logs,
# exit codes and results in the same style: exercises 1-4 as the public tests do, 5-8 as the teaching staff's
# private tests are described (single bet, batches adding up to the agency files, one draw, each agency's winners).
#
#   bash tools/e2e/course.sh [ej1 ... ej8]     (default: all eight; `make e2e-course`)
#
# Data: the course's zip (../shared/data/dataset.zip beside the repository, or COURSE_DATASET=PATH) is copied into
# the clone's .data/ and never extracted, as the course ships it; without it the synthetic dataset is generated
# (tools/data/ensure-data.sh). Expected counts and winners are computed here from the agency files themselves.
# Prints one PASS/FAIL line per exercise and a closing "N passed, N failed"; exits non-zero when any failed.
# Every wait is bounded; COURSE_E2E_TIMEOUT (seconds per exercise, default 420) bounds each exercise as a whole.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/tools/e2e
exercise_timeout=${COURSE_E2E_TIMEOUT:-420}
dataset=${COURSE_DATASET:-$repo/../shared/data/dataset.zip}

# --- one exercise, run as `course.sh --one ejN` in the clone (each in its own process, under `timeout`) ---------

# The client config exactly as the course's tests write it (these five keys, nothing else).
client_config() {
    printf 'server:\n  address: "%s"\nloop:\n  amount: %s\n  period: "%s"\nlog:\n  level: "%s"\nbatch:\n  maxAmount: %s\n' \
        "server:12345" "$1" "$2" "$3" "${4:-10}" >client/config.yaml
}

# The server config exactly as the course's tests write it (INI, no newline after the last line).
server_config() {
    printf '[DEFAULT]\nSERVER_PORT = %s\nSERVER_IP = %s\nSERVER_LISTEN_BACKLOG = %s\nLOGGING_LEVEL = %s' \
        12345 server "$1" "$2" >server/config.ini
}

switch_to() {
    { git checkout -q . && git switch -q "$1"; } || die "cannot switch to $1"
    expect_equal "deploy/exercise of $1" "$(sed -n 's/^EXERCISE=//p' deploy/exercise)" "${1#ej}"
}

build() {
    docker build -f ./server/Dockerfile -t server:latest . >"$E2E_TMP/build-server.log" 2>&1 \
        || { tail -n 30 "$E2E_TMP/build-server.log"; die "docker build of the server image"; }
    docker build -f ./client/Dockerfile -t client:latest . >"$E2E_TMP/build-client.log" 2>&1 \
        || { tail -n 30 "$E2E_TMP/build-client.log"; die "docker build of the client image"; }
}

generate_up() {
    bash generar-compose.sh docker-compose-dev.yaml "$1" >/dev/null || die "generar-compose.sh ... $1"
    docker compose -f docker-compose-dev.yaml up -d >"$E2E_TMP/up.log" 2>&1 || { cat "$E2E_TMP/up.log"; die "up"; }
}

down() {
    docker compose -f docker-compose-dev.yaml stop -t 1 >/dev/null 2>&1
    docker compose -f docker-compose-dev.yaml down >/dev/null 2>&1
    docker ps -aq --filter label=com.docker.compose.project=tp0 | xargs -r docker rm -f >/dev/null 2>&1
    return 0
}

# rows_of K / winners_of K: bets and winning bets (number 7574) of agency K, from its file or the zip's entry.
agency_csv() {
    if [ -f ".data/agency-$1.csv" ]; then
        cat ".data/agency-$1.csv"
    elif command -v unzip >/dev/null 2>&1; then
        unzip -p .data/dataset.zip "agency-$1.csv"
    else
        python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
            .data/dataset.zip "agency-$1.csv"
    fi
}
rows_of() { agency_csv "$1" | awk 'NF { n++ } END { print n + 0 }'; }
winners_of() {
    agency_csv "$1" | awk -F, -v w="$WINNING_NUMBER" '{ sub(/\r$/, "") } $5 == w { n++ } END { print n + 0 }'
}

# the ordinal N of each "msg: [CLIENT K] Message N°N" a client logged as received, sorted
received_numbers() {
    logs_of "$1" | grep -F 'action: receive_message | result: success' | sed -n 's/.*°\([0-9]*\)[[:space:]]*$/\1/p' \
        | sort -n | tr '\n' ' '
}

ej1() {
    local k names
    switch_to ej1
    for run in "1 1" "5 5"; do
        # shellcheck disable=SC2086 # "CLIENTS MESSAGES", split on purpose
        set -- $run
        mapfile -t names < <(clients_list "$1")
        server_config 5 INFO
        client_config "$2" 100ms INFO
        build
        generate_up "$1"
        wait_exited 120 "${names[@]}"
        for ((k = 1; k <= $1; k++)); do
            expect_exit_zero "client$k"
            expect_equal "client$k received" "$(received_numbers "client$k")" "$(seq -s ' ' 1 "$2") "
            expect_line "client$k" 'action: loop_finished | result: success'
        done
        expect_equal "server" "$(status_of server)" running
        expect_clean_logs server "${names[@]}"
        say "ej1: $1 client(s) x $2 message(s) echoed, loop_finished, exit 0, server still running"
        down
    done
}

ej2() {
    local images
    switch_to ej2
    build
    images=$(docker image inspect -f '{{.Id}}' server:latest client:latest)
    for conf in "5 100ms DEBUG 8 DEBUG" "2 250ms INFO 16 INFO"; do
        # shellcheck disable=SC2086 # "AMOUNT PERIOD LEVEL BACKLOG LEVEL", split on purpose
        set -- $conf
        client_config "$1" "$2" "$3"
        server_config "$4" "$5"
        generate_up 1
        wait_exited 60 client1
        expect_exit_zero client1
        expect_equal "client loop_amount" "$(value_of client1 config loop_amount)" "$1"
        expect_equal "client loop_period" "$(value_of client1 config loop_period)" "$2"
        expect_equal "client log_level" "$(value_of client1 config log_level)" "$3"
        wait_lines 20 server 'action: config | result: success'
        expect_equal "server listen_backlog" "$(value_of server config listen_backlog)" "$4"
        expect_equal "server logging_level" "$(value_of server config logging_level)" "$5"
        expect_clean_logs server client1
        say "ej2: client $1/$2/$3 and server backlog $4/$5 from the files"
        down
    done
    expect_equal "images after two configs" "$(docker image inspect -f '{{.Id}}' server:latest client:latest)" "$images"
}

ej3() {
    local mock=$here/mocks/docker-compose-mock.yaml out
    switch_to ej3
    server_config 5 INFO
    client_config 3 50ms INFO
    build
    generate_up 0
    out=$(sh validar-echo-server.sh 2>"$E2E_TMP/validator.err") || true
    expect_equal "validator, real server" "$out" "action: test_echo_server | result: success"
    wait_lines 10 server 'action: receive_message | result: success'
    expect_clean_logs server
    down
    for profile in healthy unhealthy; do
        docker compose -f "$mock" --profile "$profile" up -d >/dev/null 2>&1 || die "$profile mock"
        out=$(sh validar-echo-server.sh 2>"$E2E_TMP/validator.err") || true
        docker compose -f "$mock" --profile "$profile" down -t 1 >/dev/null 2>&1
        expect_equal "validator, $profile mock" "$out" \
            "action: test_echo_server | result: $([ "$profile" = healthy ] && echo success || echo fail)"
    done
    say "ej3: validar-echo-server.sh: success on the real server and the healthy mock, fail on the unhealthy one"
}

ej4() {
    local target
    switch_to ej4
    build
    for target in client1 server all; do
        server_config 5 DEBUG
        client_config 500 150ms INFO
        generate_up 1
        wait_lines 30 client1 'action: receive_message | result: success' 3
        expect_clean_logs server client1 # nothing failed before the stop
        case $target in
            all) docker compose -f docker-compose-dev.yaml stop -t 10 >/dev/null 2>&1 || die "compose stop" ;;
            *) docker stop -t 20 "$target" >/dev/null || die "docker stop $target" ;;
        esac
        case $target in
            all) expect_exit_zero server client1 ;;
            *) expect_exit_zero "$target" ;;
        esac
        say "ej4: SIGTERM to $target: exit 0"
        down
    done
}

ej5() {
    local k names
    switch_to ej5
    mapfile -t names < <(clients_list 5)
    server_config 5 DEBUG
    client_config 3 100ms DEBUG
    build
    unset NOMBRE APELLIDO DOCUMENTO NACIMIENTO NUMERO
    generate_up 5
    wait_exited 120 "${names[@]}"
    expect_exit_zero "${names[@]}"
    for k in "${names[@]}"; do
        expect_equal "$k apuesta_enviada" "$(count_lines "$k" \
            'action: apuesta_enviada | result: success | dni: 30904465 | numero: 7574')" 1
    done
    expect_equal "server apuesta_almacenada" "$(count_lines server \
        'action: apuesta_almacenada | result: success | dni: 30904465 | numero: 7574')" 5
    expect_clean_logs server "${names[@]}"
    down
    # a bet from the shell that runs docker compose wins over the statement's example
    NOMBRE="María José" APELLIDO="Peña" DOCUMENTO=12345678 NACIMIENTO=2000-02-29 NUMERO=42 generate_up 1
    wait_exited 60 client1
    expect_exit_zero client1
    expect_line client1 'action: apuesta_enviada | result: success | dni: 12345678 | numero: 42'
    expect_line server 'action: apuesta_almacenada | result: success | dni: 12345678 | numero: 42'
    expect_clean_logs server client1
    say "ej5: 5 agencies sent and stored the statement's bet; a bet from the shell's variables too"
}

# lottery_run N: the whole lottery with the course's configs, checked as the private tests would.
lottery_run() {
    local n=$1 k names total=0 received expected
    switch_to "ej$n"
    mapfile -t names < <(clients_list 5)
    server_config 5 DEBUG
    client_config 3 100ms INFO
    build
    unset NOMBRE APELLIDO DOCUMENTO NACIMIENTO NUMERO
    generate_up 5
    wait_exited 300 "${names[@]}"
    expect_exit_zero "${names[@]}"
    for ((k = 1; k <= 5; k++)); do total=$((total + $(rows_of "$k"))); done
    received=$(logs_of server | grep -F 'action: apuesta_recibida | result: success' \
        | sed -n 's/.*| cantidad: \([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
    expect_equal "ej$n: sum of apuesta_recibida cantidad" "$received" "$total"
    expect_equal "ej$n: largest batch" "$(logs_of server | grep -F 'action: apuesta_recibida | result: success' \
        | sed -n 's/.*| cantidad: \([0-9]*\).*/\1/p' | sort -n | tail -n 1)" 10
    if [ "$n" -ge 7 ]; then
        expect_equal "ej$n: sorteo lines" "$(count_lines server 'action: sorteo | result: success')" 1
        logs_of server | awk '/action: sorteo/ { drawn = 1 } drawn && /action: apuesta_recibida/ { bad = 1 }
            END { exit bad }' || die "an apuesta_recibida line comes after the sorteo line"
        for ((k = 1; k <= 5; k++)); do
            expected=$(winners_of "$k")
            expect_equal "client$k cant_ganadores" "$(value_of "client$k" consulta_ganadores cant_ganadores)" \
                "$expected"
        done
    fi
    expect_clean_logs server "${names[@]}"
    say "ej$n: $total bets in batches of at most 10 stored$([ "$n" -ge 7 ] && echo ", one sorteo, winners" \
        "$(for ((k = 1; k <= 5; k++)); do printf '%s ' "$(value_of "client$k" consulta_ganadores cant_ganadores)"; done)")"
}

ej6() { lottery_run 6; }
ej7() { lottery_run 7; }
ej8() { lottery_run 8; }

if [ "${1:-}" = --one ]; then
    # shellcheck source=tools/e2e/lib.sh
    . "$here/lib.sh"
    set -e
    trap down EXIT
    "$2"
    exit 0
fi

# --- the runner: a fresh clone, the branches, one process per exercise ----------------------------------------

if [ "$#" -gt 0 ]; then exercises=("$@"); else exercises=(ej1 ej2 ej3 ej4 ej5 ej6 ej7 ej8); fi
for e in "${exercises[@]}"; do
    case $e in ej[1-8]) ;; *) echo "usage: $0 [ej1 ... ej8]" >&2; exit 2 ;; esac
done
command -v docker >/dev/null 2>&1 || { echo "course e2e: docker not found" >&2; echo "0 passed, 1 failed"; exit 1; }

E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lottery-course.XXXXXX")
export E2E_TMP
clone=$E2E_TMP/repo
cleanup() {
    (cd "$clone" 2>/dev/null && down)
    for profile in healthy unhealthy; do
        docker compose -f "$here/mocks/docker-compose-mock.yaml" --profile "$profile" down -t 1 >/dev/null 2>&1
    done
    # the clone's .data/state may be root-owned (created by Docker)
    docker run --rm -v "$E2E_TMP:/t" --entrypoint rm busybox:latest -rf /t/repo >/dev/null 2>&1
    rm -rf "$E2E_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# say, summary
# shellcheck source=tools/lib.sh
. "$repo/tools/lib.sh"
SAY_TAG=course

git clone -q "$repo" "$clone" || { echo "cannot clone $repo"; echo "0 passed, 1 failed"; exit 1; }
cd "$clone" || exit 1
git config user.email course-e2e@lottery.invalid
git config user.name course-e2e
say "fresh clone of $(git rev-parse --short HEAD); branches: $(bash tools/course-branches.sh | tr '\n' ' ')"
# what the course's tests start from: no images of the project (the build cache may stay, as on a reused machine)
docker compose -p tp0 down -t 1 >/dev/null 2>&1
docker rmi -f server:latest client:latest >/dev/null 2>&1
mkdir -p .data
if [ -f "$dataset" ]; then
    cp "$dataset" .data/dataset.zip
    say "data: the course's zip in .data/, not extracted"
else
    sh tools/data/ensure-data.sh 5 >/dev/null || { echo "cannot generate the data"; echo "0 passed, 1 failed"; exit 1; }
    say "data: no course zip; the synthetic dataset"
fi

passed=0
failed=0
for e in "${exercises[@]}"; do
    start=$SECONDS
    timeout --kill-after=10 "$exercise_timeout" bash "$here/course.sh" --one "$e" >"$E2E_TMP/$e.log" 2>&1
    status=$?
    if [ "$status" -eq 0 ]; then
        passed=$((passed + 1))
        say "PASS $e ($((SECONDS - start))s)"
        grep '^\[e2e ' "$E2E_TMP/$e.log" | sed 's/^/    /'
    else
        failed=$((failed + 1))
        [ "$status" -eq 124 ] && echo "TIMEOUT: over ${exercise_timeout}s" >>"$E2E_TMP/$e.log"
        say "FAIL $e ($((SECONDS - start))s, status $status); its output:"
        tail -n 40 "$E2E_TMP/$e.log" | sed 's/^/    | /'
    fi
done
summary

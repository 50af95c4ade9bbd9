#!/usr/bin/env bash
# The end-to-end scenarios of issue 5, one per function `scenario_NAME`. tools/e2e/run.sh runs each one as
#   bash tools/e2e/scenarios.sh NAME
# in its own process under a time limit, then cleans up (compose down, config files restored) whatever happened.
# A scenario exits 0 when every check passed; `die` (lib.sh) ends it with the reason.
#   bash tools/e2e/scenarios.sh --list      prints the names in the order run.sh uses
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/e2e/lib.sh
. tools/e2e/lib.sh
E2E_TMP=${E2E_TMP:-$(mktemp -d)}

# --- exercise 1: the generator ---------------------------------------------------------------------------------

scenario_generator() {
    local sh args out
    for sh in sh bash; do
        for args in "" "x.yaml" "x.yaml 1 2" "x.yaml abc" "x.yaml -1" "x.yaml 1.5" "x.yaml 5 --servers 3" \
            "x.yaml 5 --servers 9 --store postgres" "x.yaml 5 --servers 0 --store postgres" "x.yaml 5 --store mysql" \
            "x.yaml 250 --servers 3 --store postgres" "x.yaml 5 --secrets --secrets" "x.yaml 5 --tls --tls" \
            "x.yaml 5 --tls=yes"; do
            # shellcheck disable=SC2086 # the argument list is split on purpose
            if $sh generar-compose.sh $args >/dev/null 2>&1; then
                die "$sh generar-compose.sh $args succeeded"
            else
                [ $? -eq 2 ] || die "$sh generar-compose.sh $args: exit status other than 2"
            fi
        done
        [ ! -e x.yaml ] || die "a rejected call wrote x.yaml"
        for n in 0 1 5; do
            out=$E2E_TMP/$sh-$n.yaml
            $sh generar-compose.sh "$out" "$n" >/dev/null || die "$sh generar-compose.sh $out $n"
            docker compose -f "$out" config -q || die "docker compose config rejects the file for $n clients"
            expect_equal "services for $n clients" "$(docker compose -f "$out" config --services | sort | tr '\n' ' ')" \
                "$({ echo server; clients_list "$n"; } | sort | tr '\n' ' ')"
        done
    done
    # the scaled-out file (issue 12): flags in any order, same bytes; postgres + 3 replicas + the clients
    sh generar-compose.sh "$E2E_TMP/scaled-a.yaml" 5 --servers 3 --store postgres >/dev/null || die "scaled file"
    bash generar-compose.sh "$E2E_TMP/scaled-b.yaml" 5 --store postgres --servers 3 >/dev/null || die "scaled file"
    cmp -s "$E2E_TMP/scaled-a.yaml" "$E2E_TMP/scaled-b.yaml" || die "the scaled file depends on the flags' order"
    docker compose -f "$E2E_TMP/scaled-a.yaml" config -q || die "docker compose config rejects the scaled file"
    expect_equal "services of the scaled file" \
        "$(docker compose -f "$E2E_TMP/scaled-a.yaml" config --services | sort | tr '\n' ' ')" \
        "$({ echo postgres; echo server1; echo server2; echo server3; clients_list 5; } | sort | tr '\n' ' ')"
    cmp -s "$E2E_TMP/sh-5.yaml" "$E2E_TMP/bash-5.yaml" || die "sh and bash outputs differ"
    cmp -s "$E2E_TMP/sh-5.yaml" "$E2E_TMP/original-compose.yaml" \
        || die "the committed $COMPOSE_FILE is not the generator's output for 5 clients"
    docker compose -f "$E2E_TMP/sh-5.yaml" config | grep -q 'subnet: 172.25.125.0/24' || die "subnet missing"
    expect_equal "client3 container name" \
        "$(docker compose -f "$E2E_TMP/sh-5.yaml" config | grep -c 'container_name: client3$')" 1
    # --tls (issue 21): same bytes under sh and bash, with --secrets and the scaled file too; the certificates are
    # made once (a rerun keeps every file), and each client mounts only its own key
    mkdir -p "$E2E_TMP/tls"
    sh generar-compose.sh "$E2E_TMP/tls/sh.yaml" 3 --tls >/dev/null || die "generar-compose.sh FILE 3 --tls"
    (cd "$E2E_TMP/tls/.secrets/tls" && sha256sum ./*) >"$E2E_TMP/tls/sums"
    bash generar-compose.sh "$E2E_TMP/tls/bash.yaml" 3 --tls >/dev/null || die "generar-compose.sh FILE 3 --tls (bash)"
    cmp -s "$E2E_TMP/tls/sh.yaml" "$E2E_TMP/tls/bash.yaml" || die "--tls: sh and bash outputs differ"
    (cd "$E2E_TMP/tls/.secrets/tls" && sha256sum ./*) | cmp -s - "$E2E_TMP/tls/sums" \
        || die "--tls: a rerun changed the keys or certificates"
    docker compose -f "$E2E_TMP/tls/sh.yaml" config -q || die "docker compose config rejects the --tls file"
    ! grep -q 'PRIVATE KEY' "$E2E_TMP/tls/sh.yaml" || die "the --tls file holds a key"
    expect_equal "client3's key mounts" \
        "$(docker compose -f "$E2E_TMP/tls/sh.yaml" config --format json | python3 -c '
import json, sys
for v in json.load(sys.stdin)["services"]["client3"]["volumes"]:
    if v["source"].endswith(".key"):
        print(v["source"].rsplit("/", 1)[1], v["target"], v.get("read_only", False))')" "agency-3.key /run/tls/agency.key True"
    sh generar-compose.sh "$E2E_TMP/tls/scaled.yaml" 3 --servers 2 --store postgres --tls --secrets >/dev/null \
        || die "generar-compose.sh FILE 3 --servers 2 --store postgres --tls --secrets"
    docker compose -f "$E2E_TMP/tls/scaled.yaml" config -q || die "docker compose config rejects the scaled --tls file"
    expect_equal "servers with SERVER_TLS_CERT in the scaled --tls file" \
        "$(grep -c 'SERVER_TLS_CERT: /run/tls/server.pem' "$E2E_TMP/tls/scaled.yaml")" 2
    say "generator: usage errors exit 2 under sh and bash; 0, 1 and 5 clients, the scaled file (postgres, 3" \
        "servers) and the --tls files pass docker compose config"
}

# --- exercise 1: echo clients ----------------------------------------------------------------------------------

# echo_run CLIENTS MESSAGES: every message echoed and logged on both sides, loop_finished, exit 0, clean logs.
echo_run() {
    local clients=$1 messages=$2 k i names
    mapfile -t names < <(clients_list "$clients")
    generate "$clients"
    client_echo_config "$messages" 100ms
    up
    wait_exited 90 "${names[@]}"
    for ((k = 1; k <= clients; k++)); do
        expect_exit_zero "client$k"
        expect_equal "client$k echoes" "$(count_lines "client$k" 'action: receive_message | result: success')" "$messages"
        expect_equal "client$k loop_finished" "$(count_lines "client$k" 'action: loop_finished | result: success')" 1
        for ((i = 1; i <= messages; i++)); do
            expect_line "client$k" "msg: [CLIENT $k] Message N°$i"
            expect_line server "action: receive_message | result: success | ip: "
            [ "$(logs_of server | grep -c -F -- "| msg: [CLIENT $k] Message N°$i")" -eq 1 ] \
                || die "server: message $i of client $k not logged exactly once"
        done
    done
    expect_equal "server echoes" "$(count_lines server 'action: receive_message | result: success')" \
        $((clients * messages))
    expect_clean_logs server "${names[@]}"
    say "echo ${clients}x${messages}: $((clients * messages)) messages echoed, every client exited 0"
}

scenario_echo_1x1() { echo_run 1 1; }
scenario_echo_1x3() { echo_run 1 3; }
scenario_echo_5x5() { echo_run 5 5; }

# --- exercise 2: configuration from the mounted files ----------------------------------------------------------

# config_run AMOUNT PERIOD CLIENT_LEVEL BACKLOG SERVER_LEVEL: the values edited into the files show in the config
# lines, with the images left as they were.
config_run() {
    local amount=$1 period=$2 client_level=$3 backlog=$4 server_level=$5 images_before
    images_before=$(docker image inspect -f '{{.Id}}' server:latest client:latest)
    generate 1
    client_echo_config "$amount" "$period" "$client_level"
    set_ini "$SERVER_CONFIG" SERVER_LISTEN_BACKLOG "$backlog"
    set_ini "$SERVER_CONFIG" LOGGING_LEVEL "$server_level"
    up
    wait_exited 60 client1
    expect_exit_zero client1
    expect_equal "images" "$(docker image inspect -f '{{.Id}}' server:latest client:latest)" \
        "$images_before"
    expect_equal "client loop_amount" "$(value_of client1 config loop_amount)" "$amount"
    expect_equal "client loop_period" "$(value_of client1 config loop_period)" "$period"
    expect_equal "client log_level" "$(value_of client1 config log_level)" "$client_level"
    expect_equal "client echoes" "$(count_lines client1 'action: receive_message | result: success')" "$amount"
    if [ "$(count_lines server 'action: config | result: success')" -ge 1 ]; then
        expect_equal "server listen_backlog" "$(value_of server config listen_backlog)" "$backlog"
        expect_equal "server logging_level" "$(value_of server config logging_level)" "$server_level"
    elif [ "$server_level" = DEBUG ]; then
        die "server: no config line at DEBUG"
    fi
    if [ "$server_level" = DEBUG ]; then
        expect_line server ' DEBUG '
    else
        [ "$(count_lines server ' DEBUG ')" -eq 0 ] || die "server logs DEBUG lines at level $server_level"
    fi
    if [ "$client_level" != DEBUG ]; then
        [ "$(count_lines client1 ' DEBUG ')" -eq 0 ] || die "client logs DEBUG lines at level $client_level"
    fi
    expect_clean_logs server client1
    say "config: client $amount/$period/$client_level and server backlog $backlog/$server_level in force, no rebuild"
}

scenario_config_a() { config_run 5 100ms DEBUG 8 DEBUG; }
scenario_config_b() { config_run 2 250ms INFO 16 INFO; }

# --- exercise 3: the netcat validator --------------------------------------------------------------------------

# validate SHELL EXPECTED MAX_SECONDS: runs validar-echo-server.sh, checks its single verdict line, status and time.
validate() {
    local shell=$1 expected=$2 max=$3 start output status verdicts
    start=$SECONDS
    set +e
    output=$($shell validar-echo-server.sh 2>"$E2E_TMP/validator.err")
    status=$?
    set -e
    local took=$((SECONDS - start))
    cat "$E2E_TMP/validator.err" >&2
    verdicts=$(printf '%s\n' "$output" | grep -c 'action: test_echo_server | result:' || true)
    expect_equal "verdict lines" "$verdicts" 1
    expect_equal "verdict" "$(printf '%s\n' "$output" | grep 'action: test_echo_server')" \
        "action: test_echo_server | result: $expected"
    expect_equal "exit status" "$status" "$([ "$expected" = success ] && echo 0 || echo 1)"
    [ "$took" -le "$max" ] || die "validator took ${took}s (limit ${max}s)"
    say "validator ($shell): $expected in ${took}s"
}

scenario_validator_real_server() {
    generate 0
    up
    validate sh success 20 # called right after up -d, while the JVM starts
    validate bash success 10
    [ "$(logs_of server | grep -c -F 'action: receive_message | result: success | ip: ' )" -ge 2 ] \
        || die "server: the validator's messages are not logged as received"
    expect_clean_logs server
}

scenario_validator_mocks() {
    local mock=tools/e2e/mocks/docker-compose-mock.yaml
    docker compose -f "$mock" --profile healthy up -d >/dev/null 2>&1 || die "healthy mock did not start"
    validate sh success 15
    docker compose -f "$mock" --profile healthy down -t 1 >/dev/null 2>&1
    docker compose -f "$mock" --profile unhealthy up -d >/dev/null 2>&1 || die "unhealthy mock did not start"
    validate sh fail 15
    validate bash fail 15
    docker compose -f "$mock" --profile unhealthy down -t 1 >/dev/null 2>&1
}

scenario_validator_no_server() {
    validate sh fail 5 # no network at all
    generate 0
    up
    # a SIGTERM in the JVM's first milliseconds is lost (PID 1 without a handler yet): stop it once it listens
    wait_lines 30 server 'action: accept_connections | result: in_progress'
    docker stop -t 10 server >/dev/null
    validate sh fail 5 # network there, server stopped
}

# --- exercise 4: graceful SIGTERM ------------------------------------------------------------------------------

# start_long_echo CLIENTS: clients echoing for about 75 s, server at DEBUG, wait until they are talking.
start_long_echo() {
    generate "$1"
    client_echo_config 500 150ms
    set_ini "$SERVER_CONFIG" LOGGING_LEVEL DEBUG
    up
    [ "$1" -eq 0 ] || wait_lines 30 client1 'action: receive_message | result: success' 3
}

# timed_stop COMMAND...: runs the stop command and prints how long it took (seconds).
timed_stop() {
    local start=$SECONDS
    "$@" >/dev/null 2>&1 || die "$* failed"
    echo $((SECONDS - start))
}

scenario_sigterm_client() {
    local took
    start_long_echo 1
    took=$(timed_stop docker stop -t 20 client1)
    expect_exit_zero client1
    expect_line client1 'action: receive_signal | result: success'
    expect_line client1 'action: shutdown | result: success'
    [ "$(status_of server)" = running ] || die "server stopped with the client"
    expect_clean_logs client1 server
    say "sigterm client: exit 0 after ${took}s"
}

scenario_sigterm_server() {
    local took
    start_long_echo 1
    took=$(timed_stop docker stop -t 20 server)
    expect_exit_zero server
    for resource in server_socket client_connections event_loops bet_store; do
        expect_line server "action: shutdown | result: success | resource: $resource"
    done
    expect_clean_logs server
    say "sigterm server: exit 0 after ${took}s"
}

scenario_sigterm_all() {
    local took
    start_long_echo 1
    took=$(timed_stop compose stop -t 10)
    expect_exit_zero server client1
    expect_line server 'action: shutdown | result: success'
    expect_line client1 'action: shutdown | result: success'
    say "sigterm all (compose stop -t 10): both exit 0 after ${took}s"
}

scenario_sigterm_server_alone() {
    local took
    start_long_echo 0
    wait_lines 20 server 'action: accept_connections | result: in_progress'
    [ "$(logs_of server | wc -l)" -ge 2 ] || die "server alone logs fewer than 2 lines at DEBUG"
    took=$(timed_stop docker stop -t 20 server)
    expect_exit_zero server
    expect_clean_logs server
    say "sigterm server without clients: exit 0 after ${took}s"
}

# --- exercise 5: one bet from the environment ------------------------------------------------------------------

scenario_bet_from_env() {
    local row
    generate 1
    rm -f "$BETS_FILE"
    up NOMBRE="Santiago Lionel" APELLIDO="Lorca Peña" DOCUMENTO=30904465 NACIMIENTO=1999-03-17 NUMERO=7574
    wait_exited 90 client1
    expect_exit_zero client1
    expect_line client1 'action: apuesta_enviada | result: success | dni: 30904465 | numero: 7574'
    expect_line server 'action: apuesta_almacenada | result: success | dni: 30904465 | numero: 7574'
    expect_equal "client1 winners" "$(value_of client1 consulta_ganadores cant_ganadores)" 1
    expect_equal "sorteo lines" "$(count_lines server 'action: sorteo | result: success')" 1
    row=$(tr -d '\r' <"$BETS_FILE")
    expect_equal "bets file" "$row" "1,Santiago Lionel,Lorca Peña,30904465,1999-03-17,7574"
    expect_clean_logs server client1
    say "bet from env: sent, stored and drawn (row '$row')"
}

# --- exercises 6-7: the whole lottery --------------------------------------------------------------------------

scenario_lottery_course_data() {
    local k total=0 expected received start up_to_exit first_start last_exit names archived
    mapfile -t names < <(clients_list 5)
    unzip_course_data
    for ((k = 1; k <= 5; k++)); do total=$((total + $(rows_in ".data/agency-$k.csv"))); done
    generate 5
    # a bets file of an earlier lottery: the server must archive it and store this run's bets in a new one
    mkdir -p "$(dirname "$BETS_FILE")"
    printf '9,Earlier,Run,12345678,2000-01-01,%s\n' "$WINNING_NUMBER" >"$BETS_FILE"
    start=$(date +%s.%N)
    up
    wait_exited 300 "${names[@]}"
    up_to_exit=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
    expect_exit_zero "${names[@]}"
    received=$(logs_of server | grep -F 'action: apuesta_recibida | result: success' \
        | sed -n 's/.*| cantidad: \([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
    expect_equal "sum of apuesta_recibida cantidad" "$received" "$total"
    expect_equal "sorteo lines" "$(count_lines server 'action: sorteo | result: success')" 1
    # the draw comes after the last batch
    logs_of server | awk '/action: sorteo/ { drawn = 1 } drawn && /action: apuesta_recibida/ { bad = 1 }
        END { exit bad }' || die "an apuesta_recibida line comes after the sorteo line"
    for ((k = 1; k <= 5; k++)); do
        expected=$(winners_in ".data/agency-$k.csv")
        expect_equal "client$k cant_ganadores" "$(value_of "client$k" consulta_ganadores cant_ganadores)" "$expected"
        expect_equal "agency $k rows in the bets file" \
            "$(awk -F, -v a="$k" '$1 == a { c++ } END { print c + 0 }' "$BETS_FILE")" "$(rows_in ".data/agency-$k.csv")"
    done
    expect_equal "bets file rows" "$(rows_in "$BETS_FILE")" "$total"
    archived=$(logs_of server | grep -F 'action: archive_bets | result: success | from: /app/state/bets.csv | to: ' \
        | sed -n 's/.*| to: \/app\/state\/\([^ |]*\).*/\1/p')
    [ -n "$archived" ] || die "server: no archive_bets line for the earlier bets file"
    expect_equal "archived earlier bets ($archived)" "$(cat ".data/state/$archived")" \
        "9,Earlier,Run,12345678,2000-01-01,$WINNING_NUMBER"
    expect_clean_logs server "${names[@]}"
    first_start=$(docker inspect -f '{{.State.StartedAt}}' server)
    last_exit=$(docker inspect -f '{{.State.FinishedAt}}' "${names[@]}" | sort | tail -n 1)
    say "lottery, course data: earlier bets archived as $archived; $total bets stored, winners per agency $(for ((k = 1; k <= 5; k++)); do
        printf '%s ' "$(value_of "client$k" consulta_ganadores cant_ganadores)"; done)"
    say "TIMING lottery course data: ${up_to_exit}s from 'make docker-compose-up' to the last client exit;" \
        "server start $first_start, last client exit $last_exit"
}

# make lottery for 3 agencies with a client config in echo mode and a single bet in the environment: the target
# still runs the whole lottery from the agency files, and leaves the committed compose file alone.
scenario_make_lottery() {
    local output k expected
    rm -f .data/agency-*.csv # the target must generate the synthetic dataset
    set_yaml "$CLIENT_CONFIG" mode echo
    output=$(NOMBRE=Single APELLIDO=Bet DOCUMENTO=30904465 NACIMIENTO=1999-03-17 NUMERO=7574 \
        make lottery AGENCIES=3 2>&1) || { printf '%s\n' "$output" | tail -n 40 >&2; die "make lottery failed"; }
    printf '%s\n' "$output" | grep -q 'action: sorteo | result: success' || die "make lottery: no sorteo line shown"
    for ((k = 1; k <= 3; k++)); do
        expected=$(winners_in ".data/agency-$k.csv")
        expect_equal "make lottery: agency $k winners" \
            "$(printf '%s\n' "$output" | awk -v k="$k" '$1 == k && $2 == 0 { print $4 }')" "$expected"
        expect_equal "make lottery: agency $k bets" \
            "$(printf '%s\n' "$output" | awk -v k="$k" '$1 == k && $2 == 0 { print $3 }')" \
            "$(rows_in ".data/agency-$k.csv")"
    done
    [ ! -e .data/agency-4.csv ] || die "make lottery AGENCIES=3 prepared a fourth agency file"
    cmp -s "$COMPOSE_FILE" "$E2E_TMP/original-compose.yaml" || die "make lottery changed $COMPOSE_FILE"
    expect_equal "containers left" "$(docker ps -aq --filter label=com.docker.compose.project=tp0 | wc -l)" 0
    say "make lottery AGENCIES=3 (synthetic data, config in echo mode, NOMBRE.. set): whole lottery," \
        "$COMPOSE_FILE untouched; $(printf '%s\n' "$output" | grep -E '^(stored bets|elapsed)' | tr '\n' ' ')"
}

# make lottery on a machine with Docker only: a PATH without java, javac, jar or mvn (every other command of this
# machine stays), no agency files. The images compile the project in Docker and the synthetic dataset is generated
# in the build image.
scenario_make_lottery_docker_only() {
    local bin=$E2E_TMP/docker-only-bin dir f name output
    mkdir -p "$bin"
    for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
        for f in "$dir"/*; do
            name=${f##*/}
            case $name in java | javac | jar | jshell | mvn | mvnDebug) continue ;; esac
            [ -e "$bin/$name" ] || ln -s "$f" "$bin/$name" 2>/dev/null || true
        done
    done
    PATH=$bin command -v java >/dev/null 2>&1 && die "java still on the reduced PATH"
    PATH=$bin command -v mvn >/dev/null 2>&1 && die "mvn still on the reduced PATH"
    rm -f .data/agency-*.csv
    output=$(PATH=$bin make lottery AGENCIES=2 2>&1) || { printf '%s\n' "$output" | tail -n 40 >&2; die "make lottery failed"; }
    printf '%s\n' "$output" | grep -q 'no java on this machine: running the generator in' \
        || die "the dataset was not generated in Docker"
    printf '%s\n' "$output" | grep -q '^lottery: success$' || die "make lottery did not report success"
    say "make lottery with Docker only (no java, javac, jar, mvn on the PATH): $(printf '%s\n' "$output" \
        | grep -E '^(stored bets|elapsed)' | tr '\n' ' ')"
}

# The course's black-box ej7 test, replayed: it overwrites the client config with only the skeleton's keys
# (maxAmount 10), writes agency files of 60 bets where agency K has K winners, and expects batches of 10, the sum
# before the single sorteo, and cant_ganadores K for clientK.
scenario_blackbox_style_lottery() {
    local k i n received names
    mapfile -t names < <(clients_list 5)
    printf '%s\n' 'server:' '  address: "server:12345"' 'loop:' '  amount: 500' '  period: "150ms"' 'log:' \
        '  level: "INFO"' 'batch:' '  maxAmount: 10' >"$CLIENT_CONFIG"
    set_ini "$SERVER_CONFIG" LOGGING_LEVEL DEBUG
    rm -f .data/agency-*.csv "$BETS_FILE"
    for ((k = 1; k <= 5; k++)); do
        for ((i = 0; i < 60; i++)); do
            if [ "$i" -ge 1 ] && [ "$i" -le "$k" ]; then n=$WINNING_NUMBER; elif [ "$i" -lt "$WINNING_NUMBER" ]; then n=$i
            else n=$((i + 1)); fi
            printf 'Name,Surname,%08d,2000-01-01,%d\n' "$i" "$n"
        done >".data/agency-$k.csv"
    done
    generate 5
    up
    wait_exited 120 "${names[@]}"
    expect_exit_zero "${names[@]}"
    received=$(logs_of server | grep -F 'action: apuesta_recibida | result: success' \
        | sed -n 's/.*| cantidad: \([0-9]*\).*/\1/p' | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')
    expect_equal "apuesta_recibida batches (size:count)" "$received" "10:30 "
    expect_equal "sorteo lines" "$(count_lines server 'action: sorteo | result: success')" 1
    for ((k = 1; k <= 5; k++)); do
        expect_equal "client$k cant_ganadores" "$(value_of "client$k" consulta_ganadores cant_ganadores)" "$k"
    done
    expect_clean_logs server "${names[@]}"
    say "black-box style ej7: 30 batches of 10, one draw, winners 1 2 3 4 5"
}

# generar-compose.sh --secrets: each agency proves who it is; the compose file holds no secret, each client sees only
# its own, and the lottery runs as without secrets.
scenario_lottery_with_secrets() {
    local c k names secret
    mapfile -t names < <(clients_list 2)
    set_ini "$SERVER_CONFIG" LOGGING_LEVEL INFO
    rm -f .data/agency-*.csv
    for ((k = 1; k <= 2; k++)); do
        printf 'Ana,Paz,%08d,2000-01-01,%d\n' 1 "$WINNING_NUMBER" 2 1 3 "$WINNING_NUMBER" >".data/agency-$k.csv"
    done
    sh generar-compose.sh "$COMPOSE_FILE" 2 --secrets >/dev/null || die "generar-compose.sh $COMPOSE_FILE 2 --secrets"
    for ((k = 1; k <= 2; k++)); do
        secret=$(sed -n 1p ".secrets/agency-$k")
        [ "${#secret}" -eq 32 ] || die "agency $k: no 32-digit secret in .secrets/agency-$k"
        grep -qF "$secret" "$COMPOSE_FILE" && die "the compose file holds agency $k's secret"
        grep -qxF "$k = $secret" .secrets/agencies || die ".secrets/agencies lacks agency $k"
    done
    up
    wait_exited 120 "${names[@]}"
    expect_exit_zero "${names[@]}"
    expect_equal "authentication line" "$(count_lines server 'action: authentication | result: success | agencies: 2')" 1
    expect_equal "sorteo lines" "$(count_lines server 'action: sorteo | result: success')" 1
    for ((k = 1; k <= 2; k++)); do
        expect_equal "client$k cant_ganadores" "$(value_of "client$k" consulta_ganadores cant_ganadores)" 2
    done
    for c in server "${names[@]}"; do
        for ((k = 1; k <= 2; k++)); do
            logs_of "$c" | grep -qF "$(sed -n 1p ".secrets/agency-$k")" && die "$c: agency $k's secret is in its log"
        done
    done
    expect_clean_logs server "${names[@]}"
    # Back to the committed compose file (no secrets) for the scenarios after this one.
    generate 5
    say "lottery with secrets: 2 agencies authenticated, no secret in the compose file or the logs, winners 2 2"
}

# generar-compose.sh --tls (issue 21) with the course's data: every agency proves who it is with its certificate,
# over TLS; the same winners as without TLS; the echo validator still passes on the same port; a plain agency is
# refused (TLS_REQUIRED) and stores nothing.
scenario_lottery_tls() {
    local k f names tls_dir=.secrets/tls total=0 rows_before mounts plain_status
    mapfile -t names < <(clients_list 5)
    unzip_course_data
    for ((k = 1; k <= 5; k++)); do total=$((total + $(rows_in ".data/agency-$k.csv"))); done
    sh generar-compose.sh "$COMPOSE_FILE" 5 --tls >/dev/null || die "generar-compose.sh $COMPOSE_FILE 5 --tls"
    for f in ca.pem ca.key server.pem server.key revoked.txt agency-{1..5}.pem agency-{1..5}.key; do
        [ -s "$tls_dir/$f" ] || [ "$f" = revoked.txt ] || die "no $tls_dir/$f"
    done
    for f in ca.key server.key agency-{1..5}.key; do
        expect_equal "$f mode" "$(stat -c %a "$tls_dir/$f")" 600
        expect_equal "$f format" "$(sed -n 1p "$tls_dir/$f")" "-----BEGIN PRIVATE KEY-----"
    done
    grep -q 'PRIVATE KEY' "$COMPOSE_FILE" && die "the compose file holds a key"
    up
    wait_exited 300 "${names[@]}"
    expect_exit_zero "${names[@]}"
    expect_line server 'action: tls | result: success | cert: /run/tls/server.pem'
    expect_line server '| client_auth: require |'
    expect_equal "sorteo lines" "$(count_lines server 'action: sorteo | result: success')" 1
    for ((k = 1; k <= 5; k++)); do
        expect_equal "client$k cant_ganadores" "$(value_of "client$k" consulta_ganadores cant_ganadores)" \
            "$(winners_in ".data/agency-$k.csv")"
        # what Docker mounted into client K: its own key, none of another agency
        mounts=$(docker inspect -f '{{range .Mounts}}{{.Source}} {{end}}' "client$k")
        case " $mounts" in *"/agency-$k.key "*) ;; *) die "client$k: its key is not mounted ($mounts)" ;; esac
        [ "$(tr ' ' '\n' <<<"$mounts" | grep -c '\.key$')" -eq 1 ] || die "client$k mounts another key: $mounts"
    done
    expect_equal "bets file rows" "$(rows_in "$BETS_FILE")" "$total"
    expect_clean_logs server "${names[@]}"
    validate sh success 20 # the plain-text echo, on the same port
    # A plain agency (the client image without CLI_TLS_*): refused, nothing stored.
    rows_before=$(rows_in "$BETS_FILE")
    plain_status=0
    timeout 90 docker run --rm --network tp0_testing_net -v "$PWD/client/config.yaml:/app/config.yaml:ro" \
        -v "$PWD/.data:/data:ro" -e CLI_ID=1 -e CLI_MODE=lottery client:latest >"$E2E_TMP/plain-client.log" 2>&1 \
        || plain_status=$?
    [ "$plain_status" -ne 0 ] || { cat "$E2E_TMP/plain-client.log" >&2; die "a plain client against TLS exited 0"; }
    grep -q TLS_REQUIRED "$E2E_TMP/plain-client.log" \
        || { tail -n 20 "$E2E_TMP/plain-client.log" >&2; die "the plain client does not say TLS_REQUIRED"; }
    expect_equal "bets file rows after the plain client" "$(rows_in "$BETS_FILE")" "$rows_before"
    say "lottery with TLS: 5 agencies over mutual TLS, $total bets stored, winners per agency $(for ((k = 1; k <= 5; \
        k++)); do printf '%s ' "$(value_of "client$k" consulta_ganadores cant_ganadores)"; done); echo validator" \
        "passes; a plain client exits $plain_status: $(grep -o 'TLS_REQUIRED[^|]*' "$E2E_TMP/plain-client.log" \
        | head -n 1)"
    generate 5
}

# --- issue "Operate it": restart on failure, the images' user and health check ---------------------------------

# The CSV server of the course's compose file (`restart: on-failure`) gets SIGKILL mid-ingest, once it has
# acknowledged some agencies' batches; Docker restarts it, it resumes the round from .data/state, and every agency
# finishes on its own: each bet stored once, one draw, the course's winners. The SIGKILL goes to the container's
# JVM from the host (`kill -KILL` of its PID), as a crash or the OOM killer would end it: `docker kill -s KILL` marks
# the container as stopped by the user, and Docker then never restarts it (checked on this engine). The files the
# server writes in .data/state belong to the user the compose file runs it as: the invoking user through `make`, or
# when this runs as root, uid:gid 4321:4321 set explicitly (LOTTERY_UID/LOTTERY_GID), so root cannot hide the check.
scenario_server_restart_resume() {
    local k total=0 names uid gid pid restarts deadline received resumed winners flag entrypoint bad line
    mapfile -t names < <(clients_list 5)
    # the images: user 1000, a health check, the launcher's server flags
    expect_equal "server image user" "$(docker image inspect -f '{{.Config.User}}' server:latest)" 1000:1000
    expect_equal "client image user" "$(docker image inspect -f '{{.Config.User}}' client:latest)" 1000:1000
    expect_equal "server image health check" \
        "$(docker image inspect -f '{{json .Config.Healthcheck.Test}}' server:latest)" '["CMD","sh","/app/healthcheck.sh"]'
    entrypoint=$(docker image inspect -f '{{join .Config.Entrypoint " "}}' server:latest)
    for flag in $(sed -n "s/^lj_flags_server='\(.*\)'$/\1/p" bin/lottery-jvm.sh); do
        case " $entrypoint " in *" $flag "*) ;; *) die "server image: no launcher flag $flag in '$entrypoint'" ;; esac
    done
    unzip_course_data
    for ((k = 1; k <= 5; k++)); do total=$((total + $(rows_in ".data/agency-$k.csv"))); done
    generate 5
    grep -qx '    restart: on-failure' "$COMPOSE_FILE" || die "$COMPOSE_FILE: no restart: on-failure"
    # Batches of 20 (about 3,900 of them): an ingest long enough to be killed in the middle of.
    set_yaml "$CLIENT_CONFIG" batch.maxAmount 20
    rm -rf .data/state
    [ ! -e .data/state ] || die "cannot remove .data/state"
    if [ "$(id -u)" -eq 0 ]; then
        uid=4321 gid=4321
        mkdir -p .data/state && chown "$uid:$gid" .data/state
        export LOTTERY_UID=$uid LOTTERY_GID=$gid
    else
        uid=$(id -u) gid=$(id -g)
        unset LOTTERY_UID LOTTERY_GID # make docker-compose-up takes the invoking user's
    fi
    # No SERVER_NEW_ROUND (lib.sh's `up` sets it): it would stay in the restarted server's environment, and that
    # server would archive the round instead of resuming it. .data/state starts empty instead.
    env -u SERVER_NEW_ROUND make docker-compose-up >"$E2E_TMP/up.log" 2>&1 \
        || { cat "$E2E_TMP/up.log"; die "make docker-compose-up"; }
    expect_equal "server container user" "$(docker inspect -f '{{.Config.User}}' server)" "$uid:$gid"
    wait_lines 120 server 'action: apuesta_recibida | result: success' 30
    for c in "${names[@]}"; do
        [ "$(status_of "$c")" = running ] || die "$c already $(status_of "$c") before the kill: not mid-ingest"
    done
    received=$(count_lines server 'action: apuesta_recibida | result: success')
    pid=$(docker inspect -f '{{.State.Pid}}' server)
    [ -n "$pid" ] && [ "$pid" -gt 0 ] || die "server: no PID"
    kill -KILL "$pid" || die "kill -KILL $pid (the server's JVM)"
    say "killed the server's JVM (host PID $pid) with SIGKILL after $received acknowledged batches"
    deadline=$((SECONDS + 60))
    until restarts=$(docker inspect -f '{{.RestartCount}}' server) && [ "$restarts" -ge 1 ] \
        && [ "$(status_of server)" = running ]; do
        [ "$SECONDS" -lt "$deadline" ] || die "server not restarted after 60s ($(status_of server), $restarts restarts)"
        sleep 0.3
    done
    wait_exited 240 "${names[@]}"
    expect_exit_zero "${names[@]}"
    expect_equal "server restarts" "$(docker inspect -f '{{.RestartCount}}' server)" 1
    expect_equal "server running after the lottery" "$(status_of server)" running
    expect_equal "new_round lines" "$(count_lines server 'action: new_round | result: success')" 1
    expect_equal "resume_round lines" "$(count_lines server 'action: resume_round | result: success')" 1
    resumed=0
    for c in "${names[@]}"; do
        [ "$(count_lines "$c" 'action: reconnect | result: success')" -eq 0 ] || resumed=$((resumed + 1))
    done
    [ "$resumed" -ge 1 ] || die "no agency got its session back: the kill came after the ingest"
    expect_equal "sorteo lines" "$(count_lines server 'action: sorteo | result: success')" 1
    winners=''
    for ((k = 1; k <= 5; k++)); do
        expect_equal "client$k cant_ganadores" "$(value_of "client$k" consulta_ganadores cant_ganadores)" \
            "$(winners_in ".data/agency-$k.csv")"
        winners="$winners${winners:+ }$(value_of "client$k" consulta_ganadores cant_ganadores)"
    done
    expect_equal "winners per agency (course data)" "$winners" "2 3 3 2 0"
    # Every row of every agency exactly once in bets.csv (as multisets: sorted, compared whole).
    for ((k = 1; k <= 5; k++)); do tr -d '\r' <".data/agency-$k.csv" | sed "s/^/$k,/"; done | LC_ALL=C sort \
        >"$E2E_TMP/expected-rows"
    tr -d '\r' <"$BETS_FILE" | LC_ALL=C sort >"$E2E_TMP/stored-rows"
    expect_equal "bets file rows" "$(rows_in "$E2E_TMP/stored-rows")" "$total"
    cmp -s "$E2E_TMP/stored-rows" "$E2E_TMP/expected-rows" || die "bets.csv is not the agency files' rows, each once"
    # Who owns what the server wrote.
    ls -ln .data/state >"$E2E_TMP/state-ls"
    bad=$(find .data/state \( ! -uid "$uid" -o ! -gid "$gid" \) -print | head -n 3)
    [ -z "$bad" ] || { cat "$E2E_TMP/state-ls" >&2; die "not owned by $uid:$gid: $bad"; }
    say "ls -ln .data/state (expected owner $uid:$gid):"
    while IFS= read -r line; do say "  $line"; done <"$E2E_TMP/state-ls"
    # The health check the image runs, once by hand: healthy, and the log stays clean.
    docker exec server sh /app/healthcheck.sh || die "server: the health check fails on a running server"
    expect_clean_logs server "${names[@]}"
    say "restart: SIGKILL mid-ingest ($received batches acknowledged), Compose restarted the server once, it resumed" \
        "the round; $resumed agencies reconnected, every client exited 0, $total bets stored once, one sorteo," \
        "winners $winners; files owned by $uid:$gid"
}

# --- issue 12: several servers on one PostgreSQL --------------------------------------------------------------

# generar-compose.sh FILE 5 --servers 3 --store postgres with the course's data: while the bets come in (once it has
# acknowledged agency 1's third batch), the server agency 1 (the largest file) is connected to gets SIGKILL (docker
# kill). Its agencies fail over to another replica (the alias `server` resolves to every replica) and resume there
# from what the killed one acknowledged; the round must still end exactly as with one server: every client exits 0,
# one draw across all servers, each agency's winners right, and the database holds every row of every agency exactly
# once (and --export-bets writes them as the course's bets.csv, each agency's rows in its file's order).
scenario_scaled_postgres_kill() {
    local k total=0 names servers victim victim_ip ip c line acked resume batches drawn survivor pg_sql rows
    mapfile -t names < <(clients_list 5)
    servers=(server1 server2 server3)
    docker image inspect postgres:15 >/dev/null 2>&1 || die "no postgres:15 image (../shared/docker/engine.sh postgres)"
    unzip_course_data
    for ((k = 1; k <= 5; k++)); do total=$((total + $(rows_in ".data/agency-$k.csv"))); done
    sh generar-compose.sh "$COMPOSE_FILE" 5 --servers 3 --store postgres >/dev/null \
        || die "generar-compose.sh $COMPOSE_FILE 5 --servers 3 --store postgres"
    grep -qF "$(sed -n 1p .secrets/postgres-password)" "$COMPOSE_FILE" && die "the compose file holds the password"
    # The clients log the address they connect to at DEBUG: that tells which server agency 1 is on.
    set_yaml "$CLIENT_CONFIG" log.level '"DEBUG"'
    # This lottery starts on an empty database (a volume an earlier run left behind is dropped).
    compose down -v -t 1 >/dev/null 2>&1 || true
    up
    wait_lines 180 client1 'action: connect | result: success | client_id: 1 | address: '
    line=$(logs_of client1 | grep -F 'action: connect | result: success | client_id: 1 | address: ' | tail -n 1)
    victim_ip=$(printf '%s\n' "$line" | sed -n 's/.*| address: \([0-9.]*\):12345.*/\1/p')
    [ -n "$victim_ip" ] || die "client1: no address in '$line'"
    victim=''
    for c in "${servers[@]}"; do
        ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$c")
        [ "$ip" = "$victim_ip" ] && victim=$c
    done
    [ -n "$victim" ] || die "no server has client1's address $victim_ip"
    # Once that server has acknowledged agency 1's third batch (of 166), mid-ingest, the hard kill.
    wait_lines 120 client1 'action: batch_enviado | result: success | client_id: 1 | seq: 3 |'
    # the highest batch client1 holds the Ack of, read before the kill: the store must have it afterwards
    acked=$(logs_of client1 | sed -n 's/.*action: batch_enviado | result: success | client_id: 1 | seq: \([0-9]*\) |.*/\1/p' \
        | sort -n | tail -n 1)
    docker kill "$victim" >/dev/null || die "docker kill $victim"
    say "killed $victim ($victim_ip), client1's server, when client1 held the Acks up to batch $acked"
    wait_exited 240 "${names[@]}"
    expect_equal "$victim exit code (SIGKILL)" "$(exit_code_of "$victim")" 137
    expect_exit_zero "${names[@]}"
    # Agency 1 got its session back on another replica, which knew every batch acknowledged before the kill, and
    # before its last batch (the kill was mid-ingest).
    expect_line client1 "| failover_from: $victim_ip:12345"
    resume=$(value_of client1 reconnect resume_seq)
    batches=$(value_of client1 summary batches)
    if [ -z "$resume" ] || [ -z "$batches" ]; then die "client1: no reconnect or summary line"; fi
    [ "$resume" -ge "$acked" ] || die "client1 resumed at batch $resume, but held the Ack of $acked: stored batches lost"
    [ "$resume" -lt "$batches" ] || die "client1 resumed at batch $resume of $batches: the kill came after its ingest"
    say "client1: $(logs_of client1 | grep -F "| failover_from: $victim_ip:12345" | head -n 1 | sed 's/.*action:/action:/')"
    drawn=0
    for c in "${servers[@]}"; do
        k=$(count_lines "$c" 'action: sorteo | result: success')
        [ "$k" -eq 0 ] || say "$c drew: $(logs_of "$c" | grep -F 'action: sorteo | result: success' | sed 's/.*action:/action:/')"
        drawn=$((drawn + k))
    done
    expect_equal "sorteo lines across the servers" "$drawn" 1
    for ((k = 1; k <= 5; k++)); do
        expect_equal "client$k cant_ganadores" "$(value_of "client$k" consulta_ganadores cant_ganadores)" \
            "$(winners_in ".data/agency-$k.csv")"
    done
    # Every row of every agency, exactly once, in the database (as multisets: sorted, compared whole).
    for ((k = 1; k <= 5; k++)); do tr -d '\r' <".data/agency-$k.csv" | sed "s/^/$k,/"; done | LC_ALL=C sort \
        >"$E2E_TMP/expected-rows"
    pg_sql="SELECT agency, first_name, last_name, document, to_char(birthdate, 'YYYY-MM-DD'), number FROM bet
        WHERE round_id = (SELECT max(id) FROM round)"
    docker exec -e PGCLIENTENCODING=UTF8 postgres psql -X -q -v ON_ERROR_STOP=1 -U lottery -d lottery -At -F, \
        -c "$pg_sql" >"$E2E_TMP/pg-rows" || die "psql: cannot read the bets"
    rows=$(rows_in "$E2E_TMP/pg-rows")
    expect_equal "rows in table bet" "$rows" "$total"
    LC_ALL=C sort "$E2E_TMP/pg-rows" | cmp -s - "$E2E_TMP/expected-rows" \
        || die "the rows in table bet are not the agency files' rows, each once"
    # The export, from a surviving server: the course's bets.csv, each agency's rows in its file's order.
    survivor=''
    for c in "${servers[@]}"; do [ "$c" != "$victim" ] && [ "$(status_of "$c")" = running ] && survivor=$c; done
    [ -n "$survivor" ] || die "no server left running"
    docker exec "$survivor" java -Dfile.encoding=UTF-8 -Dstdout.encoding=UTF-8 -jar /app/lottery-server.jar \
        --config /app/config.ini --export-bets /tmp/bets.csv >"$E2E_TMP/export.log" 2>&1 \
        || { cat "$E2E_TMP/export.log" >&2; die "$survivor: --export-bets failed"; }
    docker cp "$survivor:/tmp/bets.csv" "$E2E_TMP/export.csv" >/dev/null || die "docker cp the export"
    expect_equal "exported rows" "$(rows_in "$E2E_TMP/export.csv")" "$total"
    for ((k = 1; k <= 5; k++)); do
        tr -d '\r' <"$E2E_TMP/export.csv" | awk -F, -v k="$k" '$1 == k' | cut -d, -f2- \
            | cmp -s - <(tr -d '\r' <".data/agency-$k.csv") \
            || die "the export's agency $k rows are not its file's rows in order"
    done
    for c in "${servers[@]}" "${names[@]}"; do
        logs_of "$c" | grep -qF "$(sed -n 1p .secrets/postgres-password)" && die "$c: the database password is in its log"
    done
    expect_clean_logs "${servers[@]}" "${names[@]}"
    say "scaled, postgres, kill: $victim killed mid-ingest (Acks up to $acked), client1 resumed at batch $resume of" \
        "$batches elsewhere;" \
        "one draw; winners $(for ((k = 1; k <= 5; k++)); do printf '%s ' "$(value_of "client$k" consulta_ganadores \
        cant_ganadores)"; done); $rows rows in PostgreSQL, each once; export from $survivor identical per agency"
}

SCENARIOS=(
    generator
    validator_no_server validator_mocks validator_real_server
    echo_1x1 echo_1x3 echo_5x5
    config_a config_b
    sigterm_client sigterm_server sigterm_all sigterm_server_alone
    bet_from_env
    blackbox_style_lottery lottery_course_data lottery_with_secrets lottery_tls make_lottery make_lottery_docker_only
    server_restart_resume
    scaled_postgres_kill
)

case ${1:-} in
    --list) printf '%s\n' "${SCENARIOS[@]}" ;;
    '') echo "usage: $0 NAME | --list" >&2; exit 2 ;;
    *)
        declare -F "scenario_$1" >/dev/null || { echo "unknown scenario $1" >&2; exit 2; }
        "scenario_$1"
        ;;
esac

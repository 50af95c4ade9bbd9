#!/usr/bin/env bash
# Tests tools/wireshark/lottery.lua against real traffic and against the golden frames of docs/PROTOCOL.md:
#   1. captures loopback traffic (tshark -i lo) on a free port while the real server jar runs with one real agency
#      client jar (env-only configuration, 40 bets in batches of 7), two bad lottery connections (a HELLO with a
#      wrong magic; a HELLO with a secret followed by an unknown type) and one plain-text echo exchange;
#   2. decodes the capture with the dissector and checks it against what the client sent (its CSV) and what the
#      server and the client logged: messages per type, every batch's seq and count, the agency, the winners, the
#      error codes, the echo line; no expert error on the good frames, no Lua error, the secret never shown;
#   3. TLS (issue 21): the certificates of `generar-compose.sh FILE 1 --tls`, a second capture on another port while
#      a TLS server (SERVER_TLS_*, agency certificates required) refuses a plain agency client (TLS_REQUIRED, nothing
#      stored), runs the same agency's lottery over mutual TLS and still answers the plain-text echo; checks that
#      the dissector hands the TLS connection to Wireshark's TLS dissector (handshake shown, no lottery frame), names
#      the refusal, and that none of the CSV's documents and names is in the capture's raw bytes (grep), while the
#      same grep finds them in the plaintext capture of step 1;
#   4. builds captures of every golden example of docs/PROTOCOL.md with text2pcap (one frame per segment, every
#      frame split into 3-byte segments, all frames coalesced) plus malformed frames and a TLS conversation made in
#      memory by tls_conversation.py (whole records and 40-byte segments), and checks each decode.
# Prints one PASS/FAIL line per check and ends with `N passed, N failed`; exit status 1 on any failure.
# Needs root (or capture rights) for tshark -i lo, openssl and python3 (TLS); installs tshark with apt-get when it is
# missing, builds the jars with Maven when they are missing. Bounded: CAPTURE_TEST_TIMEOUT seconds (default 300)
# after the prerequisites.
# CAPTURE_TEST_KEEP=DIR copies the captures (.pcapng), the logs and the agency CSV there before the cleanup.
#
#   bash tools/wireshark/capture-test.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# say, pass, fail, check NAME WHY COMMAND..., check_equal NAME EXPECTED ACTUAL, summary, free_port
# shellcheck source=tools/lib.sh
. tools/lib.sh
SAY_TAG=capture

readonly LUA_SCRIPT=$PWD/tools/wireshark/lottery.lua
readonly SERVER_JAR=$PWD/lottery-server/target/lottery-server.jar
readonly CLIENT_JAR=$PWD/lottery-client/target/lottery-client.jar
readonly PROTOCOL_DOC=$PWD/docs/PROTOCOL.md
readonly TIME_LIMIT=${CAPTURE_TEST_TIMEOUT:-300}
readonly AGENCY=1
readonly BETS=40
readonly BATCH_MAX=7
readonly WINNING_NUMBER=7574
readonly ECHO_LINE='hola eco ñandú 42'
# Sent in a HELLO on the wire: the dissector must never show it (only "present" and its length).
readonly SECRET='s3cr3t-Pa55'
# Every expert item that means a bad frame (the ERROR-reply note is not one of them), plus Lua and dissector errors.
readonly BAD_EXPERTS='lottery.expert.bad_length || lottery.expert.unknown_type || lottery.expert.truncated ||
 lottery.expert.malformed || lottery.expert.bad_magic || lottery.expert.invalid_value || lottery.expert.incomplete ||
 lottery.expert.desync || lottery.expert.not_lottery || lottery.expert.internal || _ws.malformed || _ws.lua.error'
readonly EXPERTS=(bad_length unknown_type truncated malformed bad_magic invalid_value incomplete desync not_lottery
    internal)

started=$SECONDS
tmp=""
server_pid=""
capture_pid=""
dumpcap_pid=""

# Stops a process started here: SIGTERM, up to 10 s, then SIGKILL.
stop_process() {
    local pid=$1 i
    [[ -n "$pid" ]] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    exec 3>&-
    stop_process "$server_pid"
    stop_process "$capture_pid"
    stop_process "$dumpcap_pid"
    if [[ -n "$tmp" && -n "${CAPTURE_TEST_KEEP:-}" ]]; then
        mkdir -p "$CAPTURE_TEST_KEEP" \
            && cp -p "$tmp"/*.pcapng "$tmp"/*.log "$tmp"/*.csv "$CAPTURE_TEST_KEEP"/ 2>/dev/null \
            && echo "captures and logs kept in $CAPTURE_TEST_KEEP"
    fi
    if [[ -n "$tmp" ]]; then
        rm -rf "$tmp"
    fi
    if ((status != 0 && failed == 0)); then
        fail "the test stopped early (exit status $status)"
    fi
    echo "wall time: $((SECONDS - started)) s"
    summary || exit 1
    exit 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Ends the test at once with the reason as a failure.
die() {
    fail "$*"
    exit 1
}

process_gone() {
    ! kill -0 "$1" 2>/dev/null
}

# Seconds left before the deadline (at least 1), for `timeout` and `read -t`.
left() {
    local rest=$((deadline - SECONDS))
    echo $((rest > 1 ? rest : 1))
}

# wait_for DESCRIPTION COMMAND...: polls COMMAND until it succeeds, at most until the deadline.
wait_for() {
    local description=$1
    shift
    until "$@"; do
        if ((SECONDS >= deadline)); then
            die "timed out waiting for $description"
        fi
        sleep 0.1
    done
}

# The caller's configuration must not leak into the server and client run here.
for variable in $(compgen -e); do
    case $variable in
        SERVER_* | CLI_* | LOGGING_* | NOMBRE | APELLIDO | DOCUMENTO | NACIMIENTO | NUMERO) unset "$variable" ;;
    esac
done

# ---------------------------------------------------------------------------------------------------------------------
say "prerequisites"
if ! command -v tshark >/dev/null 2>&1 || ! command -v text2pcap >/dev/null 2>&1; then
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        die "tshark and text2pcap are missing: install them (Debian: apt-get install tshark) and run again"
    fi
    echo "installing tshark from the Debian packages"
    timeout 600 apt-get update -qq >/dev/null || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq tshark >/dev/null \
        || die "apt-get install tshark failed"
fi
for tool in tshark text2pcap mergecap java od openssl python3; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing"
done
if [[ ! -f "$SERVER_JAR" || ! -f "$CLIENT_JAR" ]]; then
    command -v mvn >/dev/null 2>&1 \
        || die "the jars are missing and Maven is not installed: build them with 'mvn -B -q package -DskipTests'"
    echo "building the jars (mvn -B -q package -DskipTests)"
    timeout 900 mvn -B -q package -DskipTests >/dev/null || die "mvn -B -q package -DskipTests failed"
    [[ -f "$SERVER_JAR" && -f "$CLIENT_JAR" ]] || die "Maven ran but $SERVER_JAR or $CLIENT_JAR is missing"
fi
tshark -v 2>/dev/null | head -n 1

deadline=$((SECONDS + TIME_LIMIT))
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lottery-capture.XXXXXX")
mkdir "$tmp/server" "$tmp/client"

# tshark with the dissector; stderr kept apart so that a Lua error shows there too.
decode() {
    timeout "$(left)" tshark -n -X "lua_script:$LUA_SCRIPT" "$@" 2>>"$tmp/tshark-decode.err"
}

# ---------------------------------------------------------------------------------------------------------------------
say "agency CSV: $BETS bets"
csv=$tmp/agency-$AGENCY.csv
first_names=("José María" "Zoë" "Ana" "Iñaki" "Lucía" "Ramón" "Chloé" "Juan" "Müller" "Sofía")
last_names=("Núñez" "Peña" "O'Brien" "Gómez" "Saldaña" "Pérez" "Ibáñez" "Smith" "Łukasz" "Díaz")
for ((i = 1; i <= BETS; i++)); do
    number=$(((i * 37) % 7000))
    if ((i == 5 || i == 18 || i == 33)); then
        number=$WINNING_NUMBER
    fi
    printf '%s,%s,%d,%04d-%02d-%02d,%d\n' "${first_names[i % 10]}" "${last_names[(i * 3) % 10]}" \
        $((30000000 + i * 101)) $((1950 + i)) $((i % 12 + 1)) $((i % 28 + 1)) "$number"
done >"$csv"
expected_winners=$(awk -F, -v n="$WINNING_NUMBER" '$5 == n { c++ } END { print c + 0 }' "$csv")

# ---------------------------------------------------------------------------------------------------------------------
say "free loopback port"
port=$(free_port) || die "no free port found"
echo "port $port"

# ---------------------------------------------------------------------------------------------------------------------
say "capture: tshark -i lo -f 'tcp port $port'"
capture=$tmp/capture.pcapng
tshark -n -i lo -f "tcp port $port" -w "$capture" -q >"$tmp/capture.out" 2>"$tmp/capture.err" &
capture_pid=$!
capture_ready() {
    kill -0 "$capture_pid" 2>/dev/null || die "tshark -i lo stopped: $(tr '\n' ' ' <"$tmp/capture.err")"
    grep -qs "Capturing on" "$tmp/capture.err" # -s: the background job may not have created it yet
}
wait_for "tshark to start capturing" capture_ready
if [[ -r /proc/$capture_pid/task/$capture_pid/children ]]; then
    dumpcap_pid=$(tr -s ' ' '\n' <"/proc/$capture_pid/task/$capture_pid/children" | head -n 1)
fi

# ---------------------------------------------------------------------------------------------------------------------
say "server: java -jar lottery-server.jar (env only, no config file)"
# -XX:-UsePerfData: a JVM that has to be killed leaves no hsperfdata file in /tmp.
(
    cd "$tmp/server"
    exec env SERVER_PORT="$port" SERVER_LISTEN_BACKLOG=16 LOGGING_LEVEL=INFO SERVER_AGENCIES=1 \
        SERVER_STORAGE_PATH="$tmp/bets.csv" java -XX:-UsePerfData -jar "$SERVER_JAR"
) >"$tmp/server.log" 2>&1 &
server_pid=$!
server_listening() {
    kill -0 "$server_pid" 2>/dev/null || die "the server exited: $(tail -n 5 "$tmp/server.log" | tr '\n' ' ')"
    # Accepting, not only bound: the port is bound first, before the start-up lines this test reads.
    grep -qs "action: accept_connections | result: in_progress" "$tmp/server.log"
}
wait_for "the server to listen" server_listening


# ---------------------------------------------------------------------------------------------------------------------
say "client: java -jar lottery-client.jar (agency $AGENCY, batches of $BATCH_MAX)"
client_status=0
(
    cd "$tmp/client"
    exec env CLI_ID="$AGENCY" CLI_SERVER_ADDRESS="127.0.0.1:$port" CLI_LOOP_AMOUNT=1 CLI_LOOP_PERIOD=1s \
        CLI_LOG_LEVEL=INFO CLI_MODE=lottery CLI_DATA_FILE="$tmp/agency-{id}.csv" CLI_BATCH_MAXAMOUNT="$BATCH_MAX" \
        timeout "$(left)" java -XX:-UsePerfData -jar "$CLIENT_JAR"
) >"$tmp/client.log" 2>&1 || client_status=$?
check_equal "client exit status" 0 "$client_status"
if ((client_status != 0)); then
    tail -n 20 "$tmp/client.log"
fi
client_winners=$(sed -n 's/.*action: consulta_ganadores | result: success | cant_ganadores: \([0-9]*\).*/\1/p' \
    "$tmp/client.log" | tail -n 1)
check_equal "client: cant_ganadores is the CSV's $WINNING_NUMBER count" "$expected_winners" "${client_winners:-none}"

# ---------------------------------------------------------------------------------------------------------------------
say "bad frames: a HELLO with magic TP0X; a HELLO with a secret, then type 0x7e"
hex_of() {
    od -An -v -tx1 "$1" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//'
}
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf '\x00\x00\x00\x09\x01TP0X\x01\x00\x01\x00' >&3
timeout "$(left)" cat <&3 >"$tmp/bad-magic.reply" || true # the server closes after a fatal ERROR
exec 3>&-
bad_magic_reply=$(hex_of "$tmp/bad-magic.reply")
check_equal "server answers the bad magic with ERROR 5 (BAD_MAGIC)" "82 00 05" "$(cut -d' ' -f5-7 <<<"$bad_magic_reply")"

exec 3<>"/dev/tcp/127.0.0.1/$port"
# HELLO: length 9 + secret bytes, type 1, "TP0L", version 1, agency 1, secret str8.
printf '\x00\x00\x00%b\x01TP0L\x01\x00\x01%b%s' "$(printf '\\x%02x' $((9 + ${#SECRET})))" \
    "$(printf '\\x%02x' ${#SECRET})" "$SECRET" >&3
timeout "$(left)" head -c 14 <&3 >"$tmp/hello.reply" || true # ACK(HELLO) before the next frame
printf '\x00\x00\x00\x01\x7e' >&3
timeout "$(left)" cat <&3 >"$tmp/unknown-type.reply" || true
exec 3>&-
# Agency 1 sent every batch already: the Ack is its resume point, ACK(HELLO, last batch seq, bets stored).
hello_batches=$(((BETS + BATCH_MAX - 1) / BATCH_MAX))
check_equal "server acknowledges the HELLO with a secret, with agency 1's resume point" \
    "00 00 00 0a 81 01 $(printf '%08x' "$hello_batches" | sed 's/../& /g')$(printf '%08x' "$BETS" | sed 's/../& /g; s/ $//')" \
    "$(hex_of "$tmp/hello.reply")"
check_equal "server answers type 0x7e with ERROR 3 (UNKNOWN_TYPE)" "82 00 03" \
    "$(cut -d' ' -f5-7 <<<"$(hex_of "$tmp/unknown-type.reply")")"

# ---------------------------------------------------------------------------------------------------------------------
say "echo: one plain-text line, the last exchange of the capture"
# echo_reply PORT: sends ECHO_LINE to the echo on PORT and prints the line it answers ("(no reply)" when none comes).
echo_reply() {
    local reply="(no reply)"
    exec 3<>"/dev/tcp/127.0.0.1/$1"
    printf '%s\n' "$ECHO_LINE" >&3
    IFS= read -r -t "$(left)" reply <&3 || true
    exec 3>&-
    printf '%s\n' "$reply"
}
check_equal "echo: the server answers the line with itself" "$ECHO_LINE" "$(echo_reply "$port")"
# dumpcap reads the kernel's capture buffer in blocks: stopping it now could lose the last packets. Loopback
# delivers them in order, so once the echo's answer is in the file, everything before it is too.
# echo_captured FILE PORT: whether the capture FILE holds the echo's answer from PORT yet.
echo_captured() {
    local found
    found=$(timeout "$(left)" tshark -n -r "$1" -Y "tcp.srcport == $2 && frame contains \"${ECHO_LINE%% *}\"" \
        2>/dev/null || true) # the file is still being written: its last record may be cut
    [[ -n "$found" ]]
}
wait_for "the echo's answer in the capture file" echo_captured "$capture" "$port"

# ---------------------------------------------------------------------------------------------------------------------
say "stop the server and the capture"
kill -TERM "$server_pid"
server_status=0
wait_for "the server to stop" process_gone "$server_pid"
wait "$server_pid" || server_status=$?
server_pid=""
check_equal "server exit status after SIGTERM" 0 "$server_status"
kill -TERM "$capture_pid"
wait_for "the capture to stop" process_gone "$capture_pid"
wait "$capture_pid" || true
capture_pid=""
dumpcap_pid=""
[[ -s "$capture" ]] || die "the capture file is empty: $(tr '\n' ' ' <"$tmp/capture.err")"

# ---------------------------------------------------------------------------------------------------------------------
say "decode the capture (tshark -X lua_script:lottery.lua -o lottery.tcp_port:$port)"
port_pref=(-o "lottery.tcp_port:$port")
fields=(frame.number tcp.stream lottery.type lottery.agency lottery.hello.secret_present lottery.hello.secret_length
    lottery.batch.seq lottery.batch.count lottery.bet.first_name lottery.bet.document lottery.bet.number
    lottery.ack.ref lottery.ack.seq lottery.ack.stored lottery.error.code lottery.error.name lottery.winners.last
    lottery.winners.count lottery.winners.document lottery.echo.line _ws.col.Info)
field_args=()
for field in "${fields[@]}"; do
    field_args+=(-e "$field")
done
decode -r "$capture" "${port_pref[@]}" -Y lottery -T fields -E separator=/t -E aggregator=, "${field_args[@]}" \
    >"$tmp/fields.tsv"
decode -r "$capture" "${port_pref[@]}" -V >"$tmp/full.txt"
decode -r "$capture" "${port_pref[@]}" -T json -J lottery >"$tmp/lottery.json"
awk -F'\t' '{ printf "%5s  %s\n", $1, substr($NF, 1, 110) }' "$tmp/fields.tsv"

# values FIELD [TYPE]: every value of FIELD in frame order, one per line (only in PDUs of that type when given:
# the fields of one message type occur once per PDU, so their lists line up).
column_of() {
    local i
    for i in "${!fields[@]}"; do
        if [[ "${fields[i]}" == "$1" ]]; then
            echo $((i + 1))
            return
        fi
    done
    echo "unknown field $1" >&2
    return 1
}
values() {
    local column
    column=$(column_of "$1")
    awk -F'\t' -v c="$column" '$c != "" { n = split($c, v, ","); for (i = 1; i <= n; i++) print v[i] }' \
        "${2:-$tmp/fields.tsv}"
}
joined() {
    values "$@" | paste -sd' ' -
}
count_type() {
    values lottery.type | grep -cx -- "$1" || true
}
sum_of() {
    values "$@" | awk '{ s += $1 } END { print s + 0 }'
}

batches=$(((BETS + BATCH_MAX - 1) / BATCH_MAX))
check_equal "HELLO frames (client, bad magic, with secret)" 3 "$(count_type 0x01)"
check_equal "BET frames" 0 "$(count_type 0x02)"
check_equal "BATCH frames" "$batches" "$(count_type 0x03)"
check_equal "FINISH frames" 1 "$(count_type 0x04)"
check_equal "WINNERS_QUERY frames" 1 "$(count_type 0x05)"
check_equal "ACK frames (HELLO x2, BATCH x$batches, FINISH)" $((batches + 3)) "$(count_type 0x81)"
check_equal "ERROR frames" 2 "$(count_type 0x82)"
check_equal "frames of unknown type 0x7e" 1 "$(count_type 0x7e)"
check_equal "HELLO agencies" "$AGENCY $AGENCY $AGENCY" "$(joined lottery.agency)"
check_equal "HELLO secret present flags" "0 0 1" "$(joined lottery.hello.secret_present)"
check_equal "HELLO secret lengths" "0 0 ${#SECRET}" "$(joined lottery.hello.secret_length)"

expected_seqs=$(seq 1 "$batches" | paste -sd' ' -)
check_equal "BATCH seq numbers" "$expected_seqs" "$(joined lottery.batch.seq)"
check_equal "BATCH bet counts add up to the CSV's rows" "$BETS" "$(sum_of lottery.batch.count)"
check_equal "no BATCH over $BATCH_MAX bets" "" "$(values lottery.batch.count | awk -v m="$BATCH_MAX" '$1 > m')"
server_counts=$(sed -n 's/.*action: apuesta_recibida | result: success | cantidad: \([0-9]*\).*/\1/p' \
    "$tmp/server.log" | paste -sd' ' -)
check_equal "BATCH counts = the server's apuesta_recibida cantidad, in order" "$server_counts" \
    "$(joined lottery.batch.count)"
check_equal "bet documents, in order, = the CSV's" "$(cut -d, -f3 "$csv" | paste -sd' ' -)" \
    "$(joined lottery.bet.document)"
check_equal "bet numbers, in order, = the CSV's" "$(cut -d, -f5 "$csv" | paste -sd' ' -)" "$(joined lottery.bet.number)"
check_equal "bet first names (accents intact) = the CSV's" "$(cut -d, -f1 "$csv" | paste -sd'|' -)" \
    "$(values lottery.bet.first_name | paste -sd'|' -)"

# The packets that carry an ACK: the server may write several in one segment (the Acks one force releases), and a
# field of such a packet lists one value per PDU, in order.
ack_rows=$tmp/acks.tsv
awk -F'\t' -v c="$(column_of lottery.type)" '$c ~ /(^|,)0x81(,|$)/' "$tmp/fields.tsv" >"$ack_rows"
check_equal "ACK refs (HELLO, BATCH x$batches, FINISH, HELLO)" \
    "0x01 $(yes 0x03 | head -n "$batches" | paste -sd' ' -) 0x04 0x01" "$(joined lottery.ack.ref "$ack_rows")"
check_equal "ACK seqs echo the batches, then the resume point" "0 $expected_seqs 0 $batches" \
    "$(joined lottery.ack.seq "$ack_rows")"
check_equal "ACK stored: 0, each batch's count, the FINISH total, the resume point's total" \
    "0 $(joined lottery.batch.count) $BETS $BETS" \
    "$(joined lottery.ack.stored "$ack_rows")"

check_equal "WINNERS documents = the client's cant_ganadores" "${client_winners:-none}" \
    "$(sum_of lottery.winners.count)"
check_equal "WINNERS documents = the CSV's bets on $WINNING_NUMBER" \
    "$(awk -F, -v n="$WINNING_NUMBER" '$5 == n { print $3 }' "$csv" | sort | paste -sd' ' -)" \
    "$(values lottery.winners.document | sort | paste -sd' ' -)"
check_equal "only the last WINNERS frame has the last flag" \
    "$(values lottery.winners.last | sed '$d' | sed 's/.*/0/'; echo 1)" "$(values lottery.winners.last)"
server_winners=$(sed -n 's/.*action: winners | result: success | agency: [0-9]* | cant_ganadores: \([0-9]*\).*/\1/p' \
    "$tmp/server.log" | paste -sd' ' -)
check_equal "server's winners line for the agency" "$expected_winners" "$server_winners"

check_equal "ERROR codes: BAD_MAGIC, UNKNOWN_TYPE" "5 3" "$(joined lottery.error.code)"
check_equal "ERROR names" "BAD_MAGIC UNKNOWN_TYPE" "$(joined lottery.error.name)"
check_equal "server logged both protocol errors" "BAD_MAGIC UNKNOWN_TYPE" \
    "$(sed -n 's/.*action: protocol_error | result: fail | ip: [^|]* | code: \([A-Z_]*\).*/\1/p' "$tmp/server.log" \
        | paste -sd' ' -)"

check_equal "echo line shown as text (request and echo)" "$ECHO_LINE|$ECHO_LINE" \
    "$(values lottery.echo.line | paste -sd'|' -)"
check "server logged the echo line" "" grep -qF "msg: $ECHO_LINE" "$tmp/server.log"

check_equal "frames with a bad-frame expert item: only the two bad frames" "0x01 0x7e" \
    "$(decode -r "$capture" "${port_pref[@]}" -Y "$BAD_EXPERTS" -T fields -e lottery.type | paste -sd' ' -)"
check_equal "no Lua error" 0 "$(cat "$tmp/full.txt" "$tmp/tshark-decode.err" | grep -c 'Lua Error' || true)"
secret_hex=$(printf '%s' "$SECRET" | od -An -v -tx1 | tr -d ' \n')
secret_colons=$(sed 's/../&:/g; s/:$//' <<<"$secret_hex")
secret_shown() {
    grep -qiF -e "$SECRET" -e "$secret_hex" -e "$secret_colons" \
        "$tmp/fields.tsv" "$tmp/full.txt" "$tmp/lottery.json"
}
secret_hidden() {
    ! secret_shown
}
check "the secret never appears in tshark's output" "" secret_hidden
check "the secret's presence and length are shown" "" grep -q "Secret length: ${#SECRET}" "$tmp/full.txt"

# ---------------------------------------------------------------------------------------------------------------------
say "TLS: certificates (generar-compose.sh FILE 1 --tls), a capture of a TLS lottery on a second port"
# The certificates a user gets: generar-compose.sh writes them in .secrets/tls/ beside its output, here under $tmp.
tls_dir=$tmp/tls/.secrets/tls
mkdir -p "$tmp/tls"
sh generar-compose.sh "$tmp/tls/compose.yaml" 1 --tls >"$tmp/tls/generate.log" 2>&1 \
    || die "generar-compose.sh FILE 1 --tls failed: $(tr '\n' ' ' <"$tmp/tls/generate.log")"
if ! java -XX:-UsePerfData -jar "$SERVER_JAR" --help 2>&1 | grep -q SERVER_TLS_CERT; then
    # Not a skip: the test fails until the server knows TLS (issue 21's Java side).
    fail "TLS: the server jar has no TLS (no SERVER_TLS_CERT in its --help): build the jars of a checkout with TLS"
else
    tls_port=$(free_port) || die "no free port found"
    tls_capture=$tmp/tls-capture.pcapng
    tshark -n -i lo -f "tcp port $tls_port" -w "$tls_capture" -q >"$tmp/tls-capture.out" 2>"$tmp/tls-capture.err" &
    capture_pid=$!
    tls_capture_ready() {
        kill -0 "$capture_pid" 2>/dev/null || die "tshark -i lo stopped: $(tr '\n' ' ' <"$tmp/tls-capture.err")"
        grep -qs "Capturing on" "$tmp/tls-capture.err"
    }
    wait_for "tshark to start capturing (TLS)" tls_capture_ready
    mkdir -p "$tmp/tls/server" "$tmp/tls/client" "$tmp/tls/plain"
    (
        cd "$tmp/tls/server"
        exec env SERVER_PORT="$tls_port" SERVER_LISTEN_BACKLOG=16 LOGGING_LEVEL=INFO SERVER_AGENCIES=1 \
            SERVER_STORAGE_PATH="$tmp/tls/bets.csv" SERVER_TLS_CERT="$tls_dir/server.pem" \
            SERVER_TLS_KEY="$tls_dir/server.key" SERVER_TLS_CLIENT_CA="$tls_dir/ca.pem" \
            SERVER_TLS_REVOKED="$tls_dir/revoked.txt" java -XX:-UsePerfData -jar "$SERVER_JAR"
    ) >"$tmp/tls-server.log" 2>&1 &
    server_pid=$!
    tls_server_listening() {
        kill -0 "$server_pid" 2>/dev/null \
            || die "the TLS server exited: $(tail -n 5 "$tmp/tls-server.log" | tr '\n' ' ')"
        grep -qs "action: accept_connections | result: in_progress" "$tmp/tls-server.log"
    }
    wait_for "the TLS server to listen" tls_server_listening
    check "TLS: the server logs its TLS line (client_auth require, plain refused)" \
        "$(grep -F 'action: tls' "$tmp/tls-server.log" | head -n 1)" \
        grep -qE 'action: tls \| result: success \|.*client_auth: require \|.*plain: refused' "$tmp/tls-server.log"

    # A plain agency (no CLI_TLS_*) against the TLS server: refused, nothing stored. Its two bets are its own, not
    # the TLS lottery's: the grep below counts the TLS lottery's data only.
    plain_csv=$tmp/tls/plain/agency-1.csv
    printf '%s\n' 'Plano,Sincifrar,99000001,1990-01-01,1' 'Plana,Sincifrar,99000002,1990-01-02,2' >"$plain_csv"
    plain_status=0
    (
        cd "$tmp/tls/plain"
        exec env CLI_ID="$AGENCY" CLI_SERVER_ADDRESS="127.0.0.1:$tls_port" CLI_LOOP_AMOUNT=1 CLI_LOOP_PERIOD=1s \
            CLI_LOG_LEVEL=INFO CLI_MODE=lottery CLI_DATA_FILE="$plain_csv" CLI_BATCH_MAXAMOUNT="$BATCH_MAX" \
            timeout "$(($(left) < 60 ? $(left) : 60))" java -XX:-UsePerfData -jar "$CLIENT_JAR"
    ) >"$tmp/tls-plain-client.log" 2>&1 || plain_status=$?
    check "TLS: a plain client is refused (exit status other than 0)" "it exited 0" [ "$plain_status" -ne 0 ]
    check "TLS: the plain client logs TLS_REQUIRED" "$(tail -n 3 "$tmp/tls-plain-client.log" | tr '\n' ' ')" \
        grep -q TLS_REQUIRED "$tmp/tls-plain-client.log"

    # The TLS agency: the same CSV as the plain run above, its certificate, the server's name checked (IP SAN).
    tls_client_status=0
    (
        cd "$tmp/tls/client"
        exec env CLI_ID="$AGENCY" CLI_SERVER_ADDRESS="127.0.0.1:$tls_port" CLI_LOOP_AMOUNT=1 CLI_LOOP_PERIOD=1s \
            CLI_LOG_LEVEL=INFO CLI_MODE=lottery CLI_DATA_FILE="$tmp/agency-{id}.csv" \
            CLI_BATCH_MAXAMOUNT="$BATCH_MAX" CLI_TLS_CA="$tls_dir/ca.pem" CLI_TLS_CERT="$tls_dir/agency-1.pem" \
            CLI_TLS_KEY="$tls_dir/agency-1.key" timeout "$(left)" java -XX:-UsePerfData -jar "$CLIENT_JAR"
    ) >"$tmp/tls-client.log" 2>&1 || tls_client_status=$?
    check_equal "TLS: client exit status" 0 "$tls_client_status"
    ((tls_client_status == 0)) || tail -n 20 "$tmp/tls-client.log"
    tls_winners=$(sed -n 's/.*action: consulta_ganadores | result: success | cant_ganadores: \([0-9]*\).*/\1/p' \
        "$tmp/tls-client.log" | tail -n 1)
    check_equal "TLS: client cant_ganadores is the CSV's $WINNING_NUMBER count" "$expected_winners" \
        "${tls_winners:-none}"
    check_equal "TLS: bets stored = the CSV's rows (none of the plain client's)" "$BETS" \
        "$(awk 'END { print NR }' "$tmp/tls/bets.csv" 2>/dev/null || echo 0)"

    # The plain-text echo still answers on the TLS port.
    check_equal "TLS: the echo still answers in plain text on the same port" "$ECHO_LINE" "$(echo_reply "$tls_port")"
    wait_for "the TLS run's echo in the capture file" echo_captured "$tls_capture" "$tls_port"
    kill -TERM "$server_pid"
    wait_for "the TLS server to stop" process_gone "$server_pid"
    wait "$server_pid" || true
    server_pid=""
    kill -TERM "$capture_pid"
    wait_for "the TLS capture to stop" process_gone "$capture_pid"
    wait "$capture_pid" || true
    capture_pid=""
    dumpcap_pid=""

    say "decode the TLS capture"
    tls_pref=(-o "lottery.tcp_port:$tls_port")
    decode -r "$tls_capture" "${tls_pref[@]}" -T fields -E separator=/t -E aggregator=, -e tcp.stream -e tcp.srcport \
        -e _ws.col.Protocol -e tls.handshake.type -e lottery.tls -e lottery.type -e lottery.error.name \
        -e lottery.echo.line >"$tmp/tls-fields.tsv"
    # The streams: the plain client's (lottery), the TLS agency's, the echo's; which is which by what they carry.
    tls_streams=$(awk -F'\t' '$5 != "" { print $1 }' "$tmp/tls-fields.tsv" | sort -u | paste -sd' ' -)
    check_equal "TLS: one connection shown as TLS (lottery.tls)" 1 "$(wc -w <<<"$tls_streams")"
    tls_stream=${tls_streams%% *}
    check_equal "TLS: its handshake, decoded by the TLS dissector (ClientHello 1, ServerHello 2)" "1 2" \
        "$(awk -F'\t' -v s="$tls_stream" '$1 == s && $4 != "" { print $4 }' "$tmp/tls-fields.tsv" | tr ',' '\n' \
            | grep -x -e 1 -e 2 | sort -u | paste -sd' ' -)"
    check_equal "TLS: no lottery frame decoded in the TLS connection" "" \
        "$(awk -F'\t' -v s="$tls_stream" '$1 == s && $6 != ""' "$tmp/tls-fields.tsv")"
    check "TLS: its frames are shown as TLS in the Protocol column" "" \
        awk -F'\t' -v s="$tls_stream" '$1 == s && $3 ~ /^TLS/ { found = 1 } END { exit !found }' "$tmp/tls-fields.tsv"
    check_equal "TLS: the plain client's HELLO is answered with ERROR 25 TLS_REQUIRED" "TLS_REQUIRED" \
        "$(awk -F'\t' '$7 != "" { print $7 }' "$tmp/tls-fields.tsv" | paste -sd' ' -)"
    check_equal "TLS: the echo shown as text (request and echo)" "$ECHO_LINE|$ECHO_LINE" \
        "$(awk -F'\t' '$8 != "" { print $8 }' "$tmp/tls-fields.tsv" | paste -sd'|' -)"
    check_equal "TLS: no bad-frame expert item, no Lua error" "" \
        "$(decode -r "$tls_capture" "${tls_pref[@]}" -Y "$BAD_EXPERTS" -T fields -e frame.number | paste -sd' ' -)"

    # The bettors' data in the raw bytes (pcapng: every captured byte, headers and all), grep -F per value: the
    # documents (8 digits) and the distinct names of the CSV. The plaintext capture above is the control: there
    # the same grep finds them.
    cut -d, -f3 "$csv" >"$tmp/documents.txt"
    cut -d, -f1,2 "$csv" | tr ',' '\n' | sort -u >"$tmp/names.txt"
    found_in() { # FILE VALUES_FILE: how many of the values occur in the file's bytes
        local n=0 value
        while IFS= read -r value; do
            LC_ALL=C grep -qaF -- "$value" "$1" && n=$((n + 1))
        done <"$2"
        echo "$n"
    }
    documents=$(wc -l <"$tmp/documents.txt")
    names=$(wc -l <"$tmp/names.txt")
    plain_documents=$(found_in "$capture" "$tmp/documents.txt")
    plain_names=$(found_in "$capture" "$tmp/names.txt")
    tls_documents=$(found_in "$tls_capture" "$tmp/documents.txt")
    tls_names=$(found_in "$tls_capture" "$tmp/names.txt")
    say "raw bytes: plaintext capture $(stat -c %s "$capture") B: $plain_documents/$documents documents," \
        "$plain_names/$names names; TLS capture $(stat -c %s "$tls_capture") B: $tls_documents/$documents" \
        "documents, $tls_names/$names names"
    check "TLS: the control finds the bettors' documents in the plaintext capture" \
        "only $plain_documents of $documents" [ "$plain_documents" -ge $((documents * 9 / 10)) ]
    check_equal "TLS: bettors' documents in the TLS capture's raw bytes" 0 "$tls_documents"
    check_equal "TLS: bettors' names in the TLS capture's raw bytes" 0 "$tls_names"
    plain_leaked=$(found_in "$tls_capture" <(printf '%s\n' 99000001 99000002 Sincifrar))
    say "the refused plain client's own bets in the TLS capture: $plain_leaked of 3 values (sent before the refusal?)"
fi

# ---------------------------------------------------------------------------------------------------------------------
say "synthetic captures (text2pcap): the golden examples of docs/PROTOCOL.md, malformed frames, echo"
# NAME HEX... for every "<!-- golden: NAME -->" block: the bytes left of "|".
awk '
/^<!-- golden: / { name = $3; next }
/^```text/ && name != "" { inblock = 1; hex = ""; next }
/^```/ && inblock { print name hex; inblock = 0; name = ""; next }
inblock { split($0, part, "|"); hex = hex " " part[1] }
' "$PROTOCOL_DOC" | tr -s ' ' >"$tmp/goldens.txt"

# What each golden must decode to: NAME|field=value|... (several values of one frame joined with ",").
cat >"$tmp/expected.txt" <<'EOF'
HELLO|lottery.type=0x01|lottery.length=9|lottery.hello.version=1|lottery.agency=1|lottery.hello.secret_present=0|lottery.hello.secret_length=0
HELLO_WITH_SECRET|lottery.type=0x01|lottery.length=15|lottery.hello.version=1|lottery.agency=3|lottery.hello.secret_present=1|lottery.hello.secret_length=6
BET|lottery.type=0x02|lottery.length=34|lottery.bet.first_name=Nicolás|lottery.bet.last_name=Saldaña|lottery.bet.document=30904465|lottery.bet.birthdate=1999-03-17|lottery.bet.number=7574
BATCH|lottery.type=0x03|lottery.length=61|lottery.batch.seq=7|lottery.batch.count=2|lottery.bet.first_name=María José,Ana|lottery.bet.last_name=Peña,O'Brien|lottery.bet.document=21689196,1|lottery.bet.birthdate=2000-05-10,1950-12-31|lottery.bet.number=9325,0
FINISH|lottery.type=0x04|lottery.length=1
WINNERS_QUERY|lottery.type=0x05|lottery.length=1
ACK_HELLO|lottery.type=0x81|lottery.length=10|lottery.ack.ref=0x01|lottery.ack.seq=0|lottery.ack.stored=0
ACK_BATCH|lottery.type=0x81|lottery.length=10|lottery.ack.ref=0x03|lottery.ack.seq=7|lottery.ack.stored=2
ERROR|lottery.type=0x82|lottery.length=23|lottery.error.code=10|lottery.error.name=INVALID_BET|lottery.error.ref=0x03|lottery.error.seq=7|lottery.error.reason=número > 9999
ERROR_NO_REF|lottery.type=0x82|lottery.length=24|lottery.error.code=2|lottery.error.name=FRAME_TOO_LARGE|lottery.error.ref=0x00|lottery.error.seq=0|lottery.error.reason=frame too large
WINNERS_NOT_LAST|lottery.type=0x83|lottery.length=22|lottery.winners.last=0|lottery.winners.count=2|lottery.winners.document=30904465,21689196
WINNERS_LAST|lottery.type=0x83|lottery.length=6|lottery.winners.last=1|lottery.winners.count=1|lottery.winners.document=1
WINNERS_EMPTY|lottery.type=0x83|lottery.length=4|lottery.winners.last=1|lottery.winners.count=0|lottery.winners.document=
EOF
check_equal "goldens in PROTOCOL.md = goldens expected here" "$(cut -d'|' -f1 "$tmp/expected.txt" | paste -sd' ' -)" \
    "$(cut -d' ' -f1 "$tmp/goldens.txt" | paste -sd' ' -)"

# NAME|hex|expected expert items (lottery.expert.*): one frame per segment, in this order on one connection.
cat >"$tmp/malformed.txt" <<'EOF'
length 0|00 00 00 00|bad_length
unknown type 0x7e|00 00 00 01 7e|unknown_type
HELLO cut after the magic|00 00 00 05 01 54 50 30 4c|truncated
HELLO magic TP0X|00 00 00 09 01 54 50 30 58 01 00 01 00|bad_magic
HELLO version 0, agency 0|00 00 00 09 01 54 50 30 4c 00 00 00 00|invalid_value
HELLO secret with a control character|00 00 00 0a 01 54 50 30 4c 01 00 01 01 09|malformed
FINISH with a trailing byte|00 00 00 02 04 ff|malformed
BATCH of 0 bets|00 00 00 07 03 00 00 00 01 00 00|malformed
BATCH count 2, one bet|00 00 00 13 03 00 00 00 01 00 02 01 41 01 42 01 31 07 cf 03 11 1d 96|malformed
BET cut in the document|00 00 00 09 02 01 41 01 42 08 33 30 39|truncated
BET number 10000, 2001-02-29, document 12a|00 00 00 0f 02 01 41 01 42 03 31 32 61 07 d1 02 1d 27 10|invalid_value
BET first name not UTF-8|00 00 00 0e 02 02 c3 28 01 42 01 31 07 cf 03 11 1d 96|invalid_value
BET blank last name|00 00 00 0e 02 01 41 02 20 20 01 31 07 cf 03 11 1d 96|invalid_value
ACK of type ACK|00 00 00 0a 81 81 00 00 00 00 00 00 00 00|malformed
ERROR code 17|00 00 00 09 82 00 11 00 00 00 00 00 00|malformed
WINNERS flags 0x02|00 00 00 04 83 02 00 00|malformed
WINNERS document A|00 00 00 06 83 01 00 01 01 41|malformed
length 8189 (over 8188)|00 00 1f fd 01 02 03|bad_length
FINISH after the bad length|00 00 00 01 04|desync
EOF

# text2pcap input of the goldens: I = client to server (type < 0x80), O = server to client; $1 = bytes per segment
# (0 = a whole frame per segment).
golden_segments() {
    local chunk=$1 hex bytes direction i
    while read -r _ hex; do
        read -ra bytes <<<"$hex"
        direction=I
        if ((16#${bytes[4]} >= 0x80)); then
            direction=O
        fi
        if ((chunk == 0)); then
            printf '%s\n000000 %s\n' "$direction" "$hex"
        else
            for ((i = 0; i < ${#bytes[@]}; i += chunk)); do
                printf '%s\n000000 %s\n' "$direction" "${bytes[*]:i:chunk}"
            done
        fi
    done <"$tmp/goldens.txt"
}
# All client goldens in one segment, then all server goldens in one.
golden_coalesced() {
    local hex direction server
    for direction in I O; do
        server=0
        if [[ $direction == O ]]; then
            server=1
        fi
        printf '%s\n000000' "$direction"
        while read -r _ hex; do
            if (((16#${hex:12:2} >= 0x80) == server)); then
                printf ' %s' "$hex"
            fi
        done <"$tmp/goldens.txt"
        printf '\n'
    done
}
# Each capture is one connection to port 12345 (the dissector's default: no -o needed) from its own client port.
declare -A client_port=([golden-segments]=40001 [golden-split]=40002 [golden-coalesced]=40003 [malformed]=40004
    [neither]=40005 [echo]=40006 [tls]=40007 [tls-split]=40008)
to_pcap() { # NAME < text2pcap input
    text2pcap -q -D -4 127.0.0.1,127.0.0.1 -T "${client_port[$1]},12345" - "$tmp/$1.pcapng" >/dev/null 2>&1 \
        || die "text2pcap failed for $1"
}
golden_segments 0 | to_pcap golden-segments
golden_segments 3 | to_pcap golden-split
golden_coalesced | to_pcap golden-coalesced
while IFS='|' read -r _ hex _; do
    printf 'I\n000000 %s\n' "$hex"
done <"$tmp/malformed.txt" | to_pcap malformed
printf 'I\n000000 01 02 03\n' | to_pcap neither
printf 'I\n000000 68 6f 6c 61 20\nI\n000000 6d 75 6e 64 6f 0a\nO\n000000 68 6f 6c 61 20 6d 75 6e 64 6f 0a\n' \
    | to_pcap echo
# A TLS conversation (tls_conversation.py: both ends in memory, mutual TLS with generar-compose.sh's certificates):
# the agency sends the HELLO and BATCH goldens, the server the two ACK goldens, encrypted; once as Python wrote the
# records, once cut into 40-byte segments (the TLS dissector must reassemble them).
golden_hex() {
    awk -v n="$1" '$1 == n { $1 = ""; print substr($0, 2) }' "$tmp/goldens.txt"
}
python3 tools/wireshark/tls_conversation.py "$tls_dir/ca.pem" "$tls_dir/server.pem" "$tls_dir/server.key" \
    "$tls_dir/agency-1.pem" "$tls_dir/agency-1.key" "$(golden_hex HELLO) $(golden_hex BATCH)" \
    "$(golden_hex ACK_HELLO) $(golden_hex ACK_BATCH)" >"$tmp/tls-conversation.txt" 2>"$tmp/tls-conversation.err" \
    || die "tls_conversation.py: $(tr '\n' ' ' <"$tmp/tls-conversation.err")"
echo "synthetic TLS conversation: $(cat "$tmp/tls-conversation.err")"
to_pcap tls <"$tmp/tls-conversation.txt"
awk '/^[IO]$/ { direction = $0; next }
    { n = split(substr($0, 8), b, " ")
      for (i = 1; i <= n; i += 40) {
          printf "%s\n000000", direction; for (j = i; j < i + 40 && j <= n; j++) printf " %s", b[j]; printf "\n"
      } }' "$tmp/tls-conversation.txt" | to_pcap tls-split
synthetic=$tmp/synthetic.pcapng
mergecap -a -w "$synthetic" \
    "$tmp"/{golden-segments,golden-split,golden-coalesced,malformed,neither,echo,tls,tls-split}.pcapng \
    || die "mergecap failed"

synthetic_fields=(tcp.srcport tcp.dstport _ws.col.Info lottery.type lottery.length lottery.hello.version
    lottery.agency lottery.hello.secret_present lottery.hello.secret_length lottery.bet.first_name
    lottery.bet.last_name lottery.bet.document lottery.bet.birthdate lottery.bet.number lottery.batch.seq
    lottery.batch.count lottery.ack.ref lottery.ack.seq lottery.ack.stored lottery.error.code lottery.error.name
    lottery.error.ref lottery.error.seq lottery.error.reason lottery.winners.last lottery.winners.count
    lottery.winners.document lottery.echo.line)
for name in "${EXPERTS[@]}"; do
    synthetic_fields+=("lottery.expert.$name")
done
synthetic_args=()
for field in "${synthetic_fields[@]}"; do
    synthetic_args+=(-e "$field")
done
decode -r "$synthetic" -Y lottery -T fields -E header=y -E separator=/t -E aggregator=, "${synthetic_args[@]}" \
    >"$tmp/synthetic.tsv"
decode -r "$synthetic" -V >"$tmp/synthetic.txt"

# rows_of NAME: the header and the rows of that capture's connection.
rows_of() {
    awk -F'\t' -v p="${client_port[$1]}" 'NR == 1 || $1 == p || $2 == p' "$tmp/synthetic.tsv"
}
# column_values FIELD: the values of FIELD, one line per row, from a header + rows on stdin.
column_values() {
    awk -F'\t' -v f="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == f) c = i; next } { print $c }'
}

# check_goldens LABEL NAME: row i of capture NAME is golden i of the doc.
check_goldens() {
    local label=$1 row=0 spec name pair field expected actual ok key value
    local -A got=()
    # "row<TAB>field<TAB>value" for every cell: read -a would merge the empty cells of a tab-separated line.
    while IFS=$'\t' read -r key field value; do
        got["$key|$field"]=$value
    done < <(rows_of "$2" | awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) name[i] = $i; next }
        { for (i = 1; i <= NF; i++) print NR - 1 "\t" name[i] "\t" $i }')
    while IFS= read -r spec; do
        row=$((row + 1))
        name=${spec%%|*}
        ok=1
        IFS='|' read -ra pairs <<<"${spec#*|}"
        for pair in "${pairs[@]}"; do
            field=${pair%%=*}
            expected=${pair#*=}
            actual=${got["$row|$field"]:-}
            if [[ "$actual" != "$expected" ]]; then
                fail "$label $name: $field expected '$expected', got '$actual'"
                ok=0
            fi
        done
        if ((ok)); then
            pass "$label $name"
        fi
    done <"$tmp/expected.txt"
    check_equal "$label decoded frames" "$(wc -l <"$tmp/expected.txt")" "$(($(rows_of "$2" | wc -l) - 1))"
}
check_goldens "golden, one frame per segment:" golden-segments
check_goldens "golden, split in 3-byte segments:" golden-split
# The coalesced segments hold several frames: their Info, split at each message name, lists the same messages.
check_equal "golden, all frames coalesced in 2 segments: same messages" \
    "$(rows_of golden-segments | column_values _ws.col.Info | paste -sd'|' -)" \
    "$(rows_of golden-coalesced | column_values _ws.col.Info \
        | sed -E 's/, (HELLO|BET|BATCH|FINISH|WINNERS_QUERY|ACK|ERROR|WINNERS)\b/|\1/g' | paste -sd'|' -)"
bad_ports=$(decode -r "$synthetic" -Y "$BAD_EXPERTS" -T fields -e tcp.srcport | sort -u | paste -sd' ' -)
check_equal "golden captures: no bad-frame expert item (only the malformed and neither connections have one)" \
    "${client_port[malformed]} ${client_port[neither]}" "$bad_ports"

# experts_of NAME: per lottery frame of that capture, the names of the expert items it carries.
experts_of() {
    rows_of "$1" | awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^lottery\.expert\./) {
            name[i] = substr($i, 16) }; next }
        { out = ""; for (i = 1; i <= NF; i++) if ((i in name) && $i != "") out = out (out == "" ? "" : " ") name[i]
          print out }'
}
mapfile -t got_experts < <(experts_of malformed)
i=0
while IFS='|' read -r name _ expected; do
    check_equal "malformed: $name" "$expected" "${got_experts[i]:-not decoded}"
    i=$((i + 1))
done <"$tmp/malformed.txt"
check_equal "malformed: no other frame" "$i" "${#got_experts[@]}"
check_equal "first byte 0x01: neither protocol" "not_lottery" "$(experts_of neither)"
check_equal "echo line split over 2 segments, then echoed" "hola mundo|hola mundo" \
    "$(rows_of echo | column_values lottery.echo.line | paste -sd'|' -)"
# TLS: handed to Wireshark's TLS dissector, whole records or split ones; no lottery frame, no expert of ours.
for name in tls tls-split; do
    check_equal "$name: the TLS dissector shows ClientHello (1) and ServerHello (2)" "1 2" \
        "$(decode -r "$synthetic" -Y "tcp.port == ${client_port[$name]} && lottery.tls" -T fields \
            -e tls.handshake.type | tr ',' '\n' | grep -x -e 1 -e 2 | sort -u | paste -sd' ' -)"
    check_equal "$name: TLS application data records (the 2 frames each way, encrypted)" yes \
        "$(decode -r "$synthetic" -Y "tcp.port == ${client_port[$name]} && tls.app_data" -T fields -e frame.number \
            | awk 'END { print (NR >= 2 ? "yes" : "no: " NR) }')"
    check_equal "$name: no lottery frame decoded" "" \
        "$(decode -r "$synthetic" -Y "tcp.port == ${client_port[$name]} && lottery.type" -T fields -e frame.number)"
done
# The golden BATCH's bettors (Peña, O'Brien, a document) are in the plain golden capture's bytes, not the TLS one's.
for value in 21689196 Peña "O'Brien"; do
    check_equal "bytes: '$value' in the plain golden capture / in the TLS one" "yes no" \
        "$(LC_ALL=C grep -qaF -- "$value" "$tmp/golden-segments.pcapng" && echo yes || echo no)\
 $(LC_ALL=C grep -qaF -- "$value" "$tmp/tls.pcapng" && echo yes || echo no)"
done
check_equal "synthetic captures: no Lua error" 0 "$(grep -c 'Lua Error' "$tmp/synthetic.txt" || true)"
check_equal "tshark stderr: no Lua error" 0 "$(grep -c 'Lua' "$tmp/tshark-decode.err" || true)"

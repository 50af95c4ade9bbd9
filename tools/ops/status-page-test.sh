#!/usr/bin/env bash
# Tests the live status page (lottery-server/src/main/resources/lottery/server/ops/status.html) in a real browser:
# headless Chromium loads it, runs its script (which polls status.json) and the test reads the resulting DOM
# (chromium --dump-dom, read by tools/ops/dom-query.py) and takes screenshots.
#
#   bash tools/ops/status-page-test.sh [--stub]
#
# Default: the real server jar on loopback with SERVER_METRICS_PORT (the page at GET /), SERVER_AGENCIES=1000,
# and lottery-loadgen driving agencies 1..999 with BETS bets each; once the server says 999 have finished (the
# draw waits for agency 1000), the page must show 1,000 agencies, the bets stored so far and agency 1000 alone in
# the slowest list (target/ops/status-during.png). Then agency 1000 runs, the draw happens, and the page must say
# drawn or over, with every total equal to what the load generator sent and got (target/ops/status-after.png).
# --stub: no server; python3 -m http.server serves the page beside fixed status.json files (tools/ops/status-stub.py:
# 1,000 agencies mid-round and after the draw, the 5-agency sample tools/ops/status-sample.json, the moment of
# the draw, no status.json at all), a deterministic check of the layouts (target/ops/status-stub-*.png).
# Both modes check that the page asks the network for nothing but itself and status.json.
#
# Prints one PASS/FAIL line per check and ends with `N passed, N failed`; exit status 1 on any failure, 2 on a bad
# command line or a missing prerequisite. Installs Debian's chromium with apt-get when missing (needs root), builds
# the jars with Maven when missing. Every wait is bounded; every process it starts is stopped on exit.
# STATUS_PAGE_KEEP=1 keeps the work directory (logs, dumped DOMs); it is kept anyway when a check fails.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
# say, pass, fail, check, check_equal, summary, free_port, wait_for_line
# shellcheck source=tools/lib.sh
. tools/lib.sh
SAY_TAG="status page"

PAGE=$ROOT/lottery-server/src/main/resources/lottery/server/ops/status.html
SERVER_JAR=$ROOT/lottery-server/target/lottery-server.jar
LOADGEN_JAR=$ROOT/lottery-loadgen/target/lottery-loadgen.jar
SHOTS=$ROOT/target/ops
JAVA_OPTS=${STATUS_PAGE_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}
AGENCIES=1000
BETS=20          # per agency: 20,000 bets in all, a run of a few seconds
BATCH_MAX=5      # several batches per agency, so the batch counts mean something
# Virtual time the browser runs the page for before the dump: three polls (virtual time does not pass while
# status.json is being fetched, so a slow answer does not cut it short).
BUDGET_MS=3000

mode=server
case ${1-} in
    "") ;;
    --stub) mode=stub ;;
    -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "status-page-test: unknown argument $1 (--help)" >&2; exit 2 ;;
esac

WORK=$(mktemp -d "${TMPDIR:-/tmp}/status-page.XXXXXX") || exit 2
started=() # every pid this script started, stopped on exit
shots=()   # the screenshots written

cleanup() {
    local pid
    for pid in "${started[@]}"; do
        kill "$pid" 2>/dev/null
    done
    # Bounded: a process that ignores SIGTERM for 10 s gets SIGKILL.
    for _ in $(seq 1 100); do
        local alive=0
        for pid in "${started[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    for pid in "${started[@]}"; do kill -9 "$pid" 2>/dev/null; done
    wait 2>/dev/null
    keep_or_remove_work "$WORK" "${STATUS_PAGE_KEEP:-0}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- prerequisites

command -v python3 >/dev/null || { echo "status-page-test: needs python3" >&2; exit 2; }
command -v curl >/dev/null || { echo "status-page-test: needs curl" >&2; exit 2; }
if ! command -v chromium >/dev/null; then
    say "installing Debian's chromium (apt-get)"
    { apt-get update -qq && apt-get install -y -qq chromium; } >"$WORK/apt.log" 2>&1 \
        || { tail -5 "$WORK/apt.log" >&2; echo "status-page-test: could not install chromium" >&2; exit 2; }
fi
mkdir -p "$SHOTS"

# ---------------------------------------------------------------- the browser and the DOM

# browse URL NAME [SCREENSHOT]: loads URL in headless Chromium, runs it for BUDGET_MS of virtual time and writes
# the DOM to $WORK/NAME.html; with SCREENSHOT, the same load also writes a 1280x1600 PNG there. A load is cut
# after 60 s. Chromium gets its own profile, no background networking, and a host resolver that resolves no name
# but 127.0.0.1: a page that fetched anything from the internet would break here.
browse() {
    local url=$1 name=$2 shot=${3-}
    local flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --hide-scrollbars
        --disable-background-networking --disable-component-update --disable-sync --disable-extensions
        "--user-data-dir=$WORK/profile" "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
        "--virtual-time-budget=$BUDGET_MS")
    if [ -n "$shot" ]; then
        rm -f "$shot"
        # shellcheck disable=SC2054 # 1280,1600 is one argument
        flags+=(--window-size=1280,1600 "--screenshot=$shot")
    fi
    timeout 60 chromium "${flags[@]}" --dump-dom "$url" >"$WORK/$name.html" 2>>"$WORK/chromium.log" \
        || { fail "$name: load" "chromium failed or timed out on $url ($WORK/chromium.log)"; return 1; }
    if [ -n "$shot" ]; then
        if [ -s "$shot" ]; then shots+=("${shot#"$ROOT"/}"); else fail "$name: screenshot" "no $shot ($WORK/chromium.log)"; fi
    fi
}

# dom NAME ID [WHAT]: one element of the dumped DOM $WORK/NAME.html (tools/ops/dom-query.py: text, value,
# hidden, agencies, attr:NAME); prints "(missing)" when there is no such element or attribute.
dom() {
    python3 tools/ops/dom-query.py "$WORK/$1.html" "$2" "${3:-text}" || echo "(missing)"
}

# contains NAME TEXT HAYSTACK: PASS when HAYSTACK contains TEXT.
contains() {
    case $3 in
        *"$2"*) pass "$1" ;;
        *) fail "$1" "'$2' not in '$3'" ;;
    esac
}

# The page is one file that loads nothing: no src/href but data: URLs, no CSS url() or @import, no http(s)://.
check_self_contained() {
    local found
    found=$(grep -nE '(src|href)=["'"'"']?[^"'"'"' >]*|url\(|@import|https?://' "$PAGE" | grep -vE '(src|href)="data:' || true)
    check "page: self-contained (no external reference)" "$found" [ -z "$found" ]
}

# check_requests LOG PATTERN: the browser asked for status.json, and every path it asked for matches PATTERN.
check_requests() {
    local paths others
    paths=$(sed -n 's/.*"GET \([^ ]*\) HTTP.*/\1/p' "$1")
    others=$(grep -vE "$2" <<<"$paths" | sort -u | tr '\n' ' ')
    check "page: polls status.json" "no request for it in $1" grep -q '/status\.json$' <<<"$paths"
    check "page: asks only for itself and status.json" "also asked for: $others" [ -z "$others" ]
}

# json_of URL EXPRESSION: EXPRESSION (Python, over s = the parsed JSON) of the JSON at URL; empty when it fails.
json_of() {
    curl -fsS --max-time 5 "$1" 2>/dev/null | python3 -c "import json, sys; s = json.load(sys.stdin); print($2)" 2>/dev/null
}

# ---------------------------------------------------------------- --stub: fixed status.json files

run_stub() {
    local port site
    python3 tools/ops/status-stub.py "$WORK/stub" "$PAGE" tools/ops/status-sample.json || exit 2
    port=$(free_port) || exit 2
    python3 -u -m http.server --bind 127.0.0.1 --directory "$WORK/stub" "$port" >"$WORK/stub.log" 2>&1 &
    started+=($!)
    wait_for_line "$WORK/stub.log" "Serving HTTP" 10 "${started[-1]}" || { cat "$WORK/stub.log"; exit 2; }
    site=http://127.0.0.1:$port
    # expect SITE KEY: what the stub says the page must show.
    want() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$WORK/stub/$1/expect.json" "$2"; }

    say "1,000 agencies mid-round"
    browse "$site/many/" many "$SHOTS/status-stub-many.png"
    check_equal "many: agencies" "$(want many agencies)" "$(dom many round-agencies value)"
    check_equal "many: agencies in the summary" "1,000" "$(dom many agencies-count)"
    check_equal "many: bets stored" "$(want many bets)" "$(dom many round-bets value)"
    check_equal "many: summary's bets" "$(want many bets)" "$(dom many agencies-bets value)"
    check_equal "many: finished" "$(want many finished)" "$(dom many round-finished value)"
    check_equal "many: draw state" "open" "$(dom many draw-state)"
    check_equal "many: slowest agencies, in order" "$(want many slowest)" "$(dom many slowest agencies)"
    check_equal "many: N more" "$(want many slowest_more)" "$(dom many slowest-more value)"
    contains "many: N more says so" "180 more" "$(dom many slowest-more)"
    check_equal "many: rows shown (the slowest only)" "$(want many slowest)" "$(dom many agencies agencies)"
    contains "many: histogram" "agencies" "$(dom many histogram)"
    check_equal "many: chart peak" "$(want many rate_peak)" "$(dom many rate-peak value)"
    check_equal "many: no winners before the draw" "yes" "$(dom many winners hidden)"
    check_equal "many: no error" "yes" "$(dom many error hidden)"

    say "1,000 agencies after the draw"
    browse "$site/many-drawn/" many-drawn "$SHOTS/status-stub-many-drawn.png"
    check_equal "many-drawn: draw state" "drawn" "$(dom many-drawn draw-state)"
    check_equal "many-drawn: winners shown" "no" "$(dom many-drawn winners hidden)"
    check_equal "many-drawn: winners total" "$(want many-drawn winners_total)" "$(dom many-drawn winners-total value)"
    check_equal "many-drawn: winners N more" "980" "$(dom many-drawn winners-more value)"
    check_equal "many-drawn: slowest list empty" "0" "$(dom many-drawn slowest attr:data-count)"

    say "the 5-agency sample, round over"
    browse "$site/sample/" sample "$SHOTS/status-stub-sample.png"
    check_equal "sample: one row per agency" "1 2 3 4 5" "$(dom sample agencies agencies)"
    check_equal "sample: bets stored" "78697" "$(dom sample round-bets value)"
    check_equal "sample: bets shown" "78,697" "$(dom sample round-bets)"
    check_equal "sample: draw state" "over" "$(dom sample draw-state)"
    check_equal "sample: winners rows" "1 2 3 4 5" "$(dom sample winners agencies)"
    check_equal "sample: winners total" "$(want sample winners_total)" "$(dom sample winners-total value)"
    contains "sample: agency 1 finished and answered (as text)" "✓ finished ✓ answered" "$(dom sample agencies)"

    say "every agency finished, the draw not published yet"
    browse "$site/drawing/" drawing
    check_equal "drawing: draw state" "drawing" "$(dom drawing draw-state)"
    check_equal "drawing: no winners yet" "yes" "$(dom drawing winners hidden)"

    say "no status.json"
    browse "$site/down/" down "$SHOTS/status-stub-down.png"
    check_equal "down: error shown" "no" "$(dom down error hidden)"
    contains "down: says so" "server unreachable" "$(dom down error)"

    check_requests "$WORK/stub.log" '^/(many|many-drawn|sample|drawing|down)/(status\.json)?$'
}

# ---------------------------------------------------------------- default: the real server

run_server() {
    local port ops_port state=$WORK/state url sent winners_sent stored
    if [ ! -f "$SERVER_JAR" ] || [ ! -f "$LOADGEN_JAR" ]; then
        say "building the jars (mvn -B -o -q package -DskipTests)"
        mvn -B -o -q package -DskipTests >"$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log"; exit 2; }
    fi
    port=$(free_port) && ops_port=$(free_port) || exit 2
    mkdir -p "$state" "$WORK/run-server"
    say "server on 127.0.0.1:$port, status page on port $ops_port, $AGENCIES agencies"
    # Its own directory: no config.ini is read. SERVER_FSYNC=false: the page is under test, not the disk.
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    (cd "$WORK/run-server" && SERVER_PORT=$port SERVER_IP=127.0.0.1 SERVER_METRICS_PORT=$ops_port \
        LOGGING_LEVEL=INFO SERVER_AGENCIES=$AGENCIES SERVER_STORAGE_PATH=$state/bets.csv SERVER_FSYNC=false \
        exec java $JAVA_OPTS -jar "$SERVER_JAR") >"$WORK/server.log" 2>&1 &
    started+=($!)
    local server_pid=$!
    wait_for_line "$WORK/server.log" "action: accept_connections | result: in_progress" 30 "$server_pid" \
        || { tail -5 "$WORK/server.log"; fail "server: start" "not accepting connections ($WORK/server.log)"; return; }
    url=http://127.0.0.1:$ops_port
    # poll_until SECONDS EXPRESSION: bounded polling of status.json until the Python EXPRESSION is True.
    # (A deadline on the clock, not a count of tries: each try runs curl and python3, slow on a busy machine.)
    poll_until() {
        local deadline=$((SECONDS + $1))
        while [ "$SECONDS" -lt "$deadline" ]; do
            [ "$(json_of "$url/status.json" "$2")" = True ] && return 0
            kill -0 "$server_pid" 2>/dev/null || return 1
            sleep 0.2
        done
        return 1
    }
    poll_until 10 'True' \
        || { fail "server: status.json" "nothing on SERVER_METRICS_PORT $ops_port (is the ops endpoint in this build?)"; return; }

    # Agencies 1..999: they send their bets, FINISH and wait for winners that need agency 1000 too. Same seed as
    # the last one's run below, so both write the rows and winners the server must hold.
    say "agencies 1..$((AGENCIES - 1)): $BETS bets each"
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    java $JAVA_OPTS -jar "$LOADGEN_JAR" --server "127.0.0.1:$port" --agencies "1..$((AGENCIES - 1))" --bets "$BETS" \
        --batch-max "$BATCH_MAX" --seed 1 --out "$WORK/many" --timeout-seconds 180 >"$WORK/loadgen-many.log" 2>&1 &
    started+=($!)
    local many_pid=$!
    if ! poll_until 120 "s['round']['finished'] == $((AGENCIES - 1))"; then
        fail "during: $((AGENCIES - 1)) agencies finished" "status.json: $(json_of "$url/status.json" "s['round']")"
        return
    fi
    sent=$((BETS * (AGENCIES - 1)))
    browse "$url/" during "$SHOTS/status-during.png"
    check_equal "during: agencies" "$AGENCIES" "$(dom during round-agencies value)"
    check_equal "during: agencies in the summary" "1,000" "$(dom during agencies-count)"
    check_equal "during: bets stored" "$sent" "$(dom during round-bets value)"
    check_equal "during: finished" "$((AGENCIES - 1))" "$(dom during round-finished value)"
    check_equal "during: draw state" "open" "$(dom during draw-state)"
    check_equal "during: the slowest agency" "$AGENCIES" "$(dom during slowest agencies)"
    check "during: bets/s chart has samples" "peak '$(dom during rate-peak value)'" \
        [ "$(dom during rate-peak value)" -gt 0 ] 2>/dev/null
    check_equal "during: no winners yet" "yes" "$(dom during winners hidden)"
    check_equal "during: no error" "yes" "$(dom during error hidden)"

    say "agency $AGENCIES: $BETS bets, then the draw"
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    java $JAVA_OPTS -jar "$LOADGEN_JAR" --server "127.0.0.1:$port" --agencies "$AGENCIES" --bets "$BETS" \
        --batch-max "$BATCH_MAX" --seed 1 --out "$WORK/last" --timeout-seconds 60 >"$WORK/loadgen-last.log" 2>&1 &
    started+=($!)
    local last_pid=$!
    local pid status
    for pid in "$many_pid" "$last_pid"; do
        for _ in $(seq 1 900); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null # still running after 90 s: its status becomes 137
        wait "$pid"
        status=$?
        check_equal "loadgen $pid: exit status" 0 "$status"
    done
    poll_until 30 "s['round']['answered'] == $AGENCIES and s['round']['state'] in ('drawn', 'over')" \
        || fail "after: every agency answered" "status.json: $(json_of "$url/status.json" "s['round']")"
    sent=$(cat "$WORK/many/expected.csv" "$WORK/last/expected.csv" | wc -l)
    winners_sent=$(awk '{ n += $2 } END { print n + 0 }' "$WORK/many/winners.txt" "$WORK/last/winners.txt")
    stored=$(wc -l <"$state/bets.csv")
    browse "$url/" after "$SHOTS/status-after.png"
    check_equal "after: bets stored = bets.csv rows" "$stored" "$(dom after round-bets value)"
    check_equal "after: bets stored = bets sent" "$sent" "$(dom after round-bets value)"
    check_equal "after: answered" "$AGENCIES" "$(dom after round-answered value)"
    local state
    state=$(dom after draw-state)
    check "after: draw state drawn or over: $state" "not drawn nor over" [ "$state" = drawn -o "$state" = over ]
    check_equal "after: winners shown" "no" "$(dom after winners hidden)"
    check_equal "after: winners total = winners the agencies got" "$winners_sent" "$(dom after winners-total value)"
    check_equal "after: slowest list empty" "0" "$(dom after slowest attr:data-count)"
}

check_self_contained
if [ "$mode" = stub ]; then run_stub; else run_server; fi
say "screenshots: ${shots[*]:-none}"
summary

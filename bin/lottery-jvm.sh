# Sourced by bin/lottery-server, bin/lottery-client and bin/lottery-cds (POSIX sh; not a command of its own).
#
# Picks the JDK, the JVM flags of the role and the class-data archive the run maps, and records that archive with a
# short training lottery when it is missing or stale. Start-up is what it saves: on two cores the course run is six
# JVM start-ups, and an archive of the classes a real run loads (JDK 25: an AOT cache, JEP 483/514/515; JDK 17..24:
# a dynamic AppCDS archive) lets each JVM map them instead of loading, verifying and linking them again.
#
# The JDK, first found: $LOTTERY_JAVA (a java command or path), $JAVA_HOME/bin/java, the newest Temurin 25 or later
# under /usr/lib/jvm, `java` on PATH. The jars are built with --release 17, so any of them runs them.
#
# Archives live beside the jars (target/lottery-ROLE.jdkN.aot or .jsa, git-ignored; `mvn clean` removes them), with
# a stamp file naming the JVM they were recorded with. They are recorded again when the jar, the JDK or this file is
# newer than the archive, or the stamp names another JVM; a JVM that refuses a new archive is asked once per jar
# build (the .failed marker), not at every start. Whatever goes wrong with an archive, the program still runs, only
# without it: the archive is only passed when it exists, the JVM maps it in its default "auto" mode (it starts
# without the archive rather than fail), and its archive warnings are turned off so stdout stays the log.
#
# Environment: LOTTERY_JAVA (the JDK), LOTTERY_CDS=off (no archive, no training), LOTTERY_JAVA_OPTS (extra JVM
# options, after the launcher's own). Every other variable and every argument reaches the program unchanged.

# The repository root: bin/.. of this file (lj_bin, this file's directory, is set by the script that sources it).
# shellcheck disable=SC2154
lj_root=${lj_bin%/*}
lj_server_jar=$lj_root/lottery-server/target/lottery-server.jar
lj_client_jar=$lj_root/lottery-client/target/lottery-client.jar
lj_loadgen_jar=$lj_root/lottery-loadgen/target/lottery-loadgen.jar
lj_lib=$lj_bin/lottery-jvm.sh

# JVM flags per role, measured on 2 cores (notes of issue 11, tools/bench/course-run.sh):
# - client: lives about a second and sends at most a few MB, so the quick C1 compiler alone and the serial GC (no
#   GC threads, smallest set-up); about half the CPU of the default flags per start. CompileThresholdScaling=10:
#   a method is compiled after ten times the usual calls, so the start-up code that runs a few hundred times is
#   interpreted instead of compiled; the byte loops that read and send the bets still compile. Alone against a
#   fresh server, 8 alternating runs each: 0.35 -> 0.28 CPU-s (agency 5, 991 bets), 0.51 -> 0.44 (agency 1, 26,936
#   bets), same walls; 40 was no better than 10 (docs/PERFORMANCE.md "Start-up").
# - server: C1 alone too (TieredStopAtLevel=1). On 2 cores C2's compiles of a fresh server cost more than its faster
#   code saves, well past the sizes this lottery sees: alternating runs of 2026-12-07 (docs/PERFORMANCE.md "Issue 22,
#   fourth pass"): course run server 0.83-0.91 CPU-s vs 1.12-1.32; 64 x 20,000 1.19-1.44 M bets/s vs 0.92-1.22 M;
#   64 x 100,000 1.42/1.94/1.84 M vs 1.60/1.36/1.24 M; 1,000 agencies first Ack 803-834 ms vs 917-1,002; even
#   64 x 200,000 (12.8 M bets) 1.96 M vs 2.05 M with less CPU. LOTTERY_JAVA_OPTS=-XX:TieredStopAtLevel=4 gives C2
#   back (the last flag wins). CompileThresholdScaling=5: C1 compiles a method after five times the usual calls;
#   C1 took a sixth to a quarter of a short run's server CPU (fifth pass, alternating, same build): course crowd
#   server 0.76-0.84 vs 0.80-0.88 CPU-s (6 of 6 pairs lower), 1,000 agencies 1.04-1.31 vs 1.13-1.50 (3 of 3), the
#   64-agency ingests no different; 10 was worse on 64 x 20,000 (2 of 3 pairs). The serial GC uses less CPU than G1
#   and Parallel for the same ingest here and a third of G1's resident memory.
lj_flags_client='-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=10 -XX:-UsePerfData'
lj_flags_server='-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=5 -XX:-UsePerfData'
lj_main_client=lottery.client.ClientMain
lj_main_server=lottery.server.ServerMain
# - both, on Linux with JDK 17-25: -Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider, the
#   JDK's own default there, named so that the JDK does not look for another one on the class path (a service scan
#   that opens and indexes the jar). With the two below, nothing opens the jar at all: the classes come from the
#   archive. Alternating runs, agency 5 alone (docs/PERFORMANCE.md "Issue 22, sixth pass"): 0.228 vs 0.244 CPU-s for
#   this property alone, 0.250 vs 0.297 for the launcher with all of that pass's start-up changes.
# - client: -Djava.security.properties=deploy/jvm/client.security (the DNS cache off, which the client would
#   otherwise set itself through Security.setProperty, whose change event looks up the JDK's System.Logger: a
#   class-path scan).
# - the main class is named (-cp JAR CLASS, not -jar JAR): the launcher's Java side would open the jar for its
#   manifest.
# - both, on JDK 23 and later: --sun-misc-unsafe-memory-access=allow. From JDK 25 on, Netty leaves sun.misc.Unsafe
#   alone unless the JVM says its memory access is allowed; without it Netty frees direct buffers and slices them
#   through method handles it builds at start (CleanerJava25), which spins about 20 classes at run time in every
#   JVM, then interpreted and compiled: measured in docs/PERFORMANCE.md "Start-up". Netty on JDK 17 uses Unsafe
#   as it is.

# lj_find_java: sets lj_java (the java executable, resolved), lj_home (its JDK directory), lj_version (the release
# file's JAVA_RUNTIME_VERSION, "" if unknown) and lj_feature (17, 25, ...; 0 if unknown). One fork (readlink).
lj_find_java() {
    lj_java=
    if [ -n "${LOTTERY_JAVA:-}" ]; then
        lj_java=$LOTTERY_JAVA
    elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        lj_java=$JAVA_HOME/bin/java
    else
        for lj_dir in /usr/lib/jvm/temurin-*; do
            lj_n=${lj_dir#/usr/lib/jvm/temurin-}
            lj_n=${lj_n%%-*}
            case $lj_n in '' | *[!0-9]*) continue ;; esac
            if [ "$lj_n" -ge 25 ] && [ -x "$lj_dir/bin/java" ]; then
                lj_java=$lj_dir/bin/java # the glob is sorted, so the newest two-digit feature wins
            fi
        done
        [ -n "$lj_java" ] || lj_java=java
    fi
    case $lj_java in
        */*) ;;
        *) lj_wanted=$lj_java
           lj_java=$(command -v "$lj_wanted") || { echo "lottery: no java found ($lj_wanted)" >&2; exit 127; } ;;
    esac
    # A link (/usr/bin/java -> /etc/alternatives/java -> ...) is followed to its JDK; a fork, so only for a link.
    if [ -L "$lj_java" ]; then
        lj_java=$(readlink -f "$lj_java" 2>/dev/null) || true
        [ -n "$lj_java" ] || lj_java=${LOTTERY_JAVA:-java}
    fi
    lj_home=${lj_java%/bin/java}
    lj_version=
    lj_feature=0
    lj_os=
    if [ "$lj_home" != "$lj_java" ] && [ -r "$lj_home/release" ]; then
        while IFS='=' read -r lj_k lj_v; do
            lj_v=${lj_v#\"}
            lj_v=${lj_v%\"}
            case $lj_k in
                JAVA_RUNTIME_VERSION) lj_version=$lj_v ;;
                OS_NAME) lj_os=$lj_v ;;
            esac
        done < "$lj_home/release"
        lj_n=${lj_version%%[!0-9]*}
        case $lj_n in '' | *[!0-9]*) ;; *) lj_feature=$lj_n ;; esac
    fi
    [ -z "${lj_flags_added:-}" ] || return 0 # the flags below once, however often this runs
    lj_flags_added=1
    if [ "$lj_feature" -ge 23 ]; then
        lj_flags_client="$lj_flags_client --sun-misc-unsafe-memory-access=allow"
        lj_flags_server="$lj_flags_server --sun-misc-unsafe-memory-access=allow"
    fi
    # The provider's class is internal: named only for the JDKs it is known in (17-25, Linux), so that a later JDK
    # that renamed it would cost a jar scan, not a failed start.
    if [ "$lj_os" = Linux ] && [ "$lj_feature" -ge 17 ] && [ "$lj_feature" -le 25 ]; then
        lj_selector=-Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider
        lj_flags_client="$lj_flags_client $lj_selector"
        lj_flags_server="$lj_flags_server $lj_selector"
    fi
    lj_flags_client="$lj_flags_client -Djava.security.properties=$lj_root/deploy/jvm/client.security"
}

# lj_archive ROLE: sets lj_archive (the archive path, "" when this JVM gets none), lj_use (the options that map it)
# and lj_record (the option that records it, followed by the path).
lj_archive() {
    lj_archive=
    lj_use=
    lj_record=
    [ "${LOTTERY_CDS:-on}" != off ] || return 0
    if [ "$lj_feature" -ge 25 ]; then
        lj_archive=$lj_root/lottery-$1/target/lottery-$1.jdk$lj_feature.aot
        lj_use="-Xlog:aot=off -Xlog:cds=off -XX:AOTCache=$lj_archive"
        # The client on JDK 25 does not replay the training's compilations at start (JEP 515's AOTReplayTraining,
        # a diagnostic flag, hence the unlock; named for 25 only, the JDK it was measured on): a "Training replay"
        # thread then compiles, early, what the two-bet training compiled, which a run of a second mostly never
        # needs. Server and five clients together, 8 alternating pairs (docs/PERFORMANCE.md "Issue 22, sixth
        # pass"): clients 1.62-1.92 vs 1.72-2.12 CPU-s in all, lower in every pair. The server gained nothing.
        if [ "$1" = client ] && [ "$lj_feature" -eq 25 ]; then
            lj_use="$lj_use -XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining"
        fi
        lj_record=-XX:AOTCacheOutput=
    elif [ "$lj_feature" -ge 17 ]; then
        lj_archive=$lj_root/lottery-$1/target/lottery-$1.jdk$lj_feature.jsa
        lj_use="-Xlog:cds=off -Xlog:cds+dynamic=off -XX:SharedArchiveFile=$lj_archive"
        lj_record=-XX:ArchiveClassesAtExit=
    fi
}

# lj_fresh ROLE FILE: whether FILE (an archive or its .failed marker) still belongs to the current jar, JDK and
# launcher. Builtins only. `test -nt` is not in POSIX but every sh has it (dash, bash, busybox ash, ksh, zsh).
# shellcheck disable=SC3013
lj_fresh() {
    lj_jar=$lj_root/lottery-$1/target/lottery-$1.jar
    [ -f "$2" ] && [ -f "$2.stamp" ] || return 1
    [ "$lj_jar" -nt "$2" ] && return 1
    [ "$lj_lib" -nt "$2" ] && return 1
    [ -f "$lj_home/release" ] && [ "$lj_home/release" -nt "$2" ] && return 1
    read -r lj_stamp < "$2.stamp" || return 1
    [ "$lj_stamp" = "$lj_java $lj_version" ]
}

# lj_state ROLE: sets lj_state to "ready" (archive usable), "failed" (this JVM refused the archive of this jar: run
# without one) or "stale" (record it). A variable, not output: $(...) would fork.
lj_state() {
    lj_archive "$1"
    if [ -z "$lj_archive" ]; then
        lj_state=failed
    elif lj_fresh "$1" "$lj_archive"; then
        lj_state=ready
    elif lj_fresh "$1" "$lj_archive.failed"; then
        lj_state=failed
    else
        lj_state=stale
    fi
}

# lj_train: records both archives with one short lottery on loopback (one agency, two bets; the same run as
# deploy/cds/train.sh in the images), in a clean environment and an empty directory, then checks that the JVM maps
# each archive in its strict mode; an archive it refuses is removed and marked .failed. One training at a time (a
# lock directory beside the server jar; the others wait for it, at most 120 s). Returns non-zero if it did not
# record both; never exits the calling shell.
lj_train() {
    [ -f "$lj_server_jar" ] && [ -f "$lj_client_jar" ] || return 1
    # A read-only installation keeps running without archives instead of waiting for a lock it cannot take.
    [ -w "$lj_root/lottery-server/target" ] && [ -w "$lj_root/lottery-client/target" ] || return 1
    lj_lock=$lj_root/lottery-server/target/.lottery-cds.lock
    lj_waited=0
    while ! mkdir "$lj_lock" 2>/dev/null; do
        [ -d "$lj_lock" ] || return 1
        # A lock whose owner is gone (killed during a training) is taken over.
        if read -r lj_owner < "$lj_lock/pid" 2>/dev/null && ! kill -0 "$lj_owner" 2>/dev/null; then
            rm -rf "$lj_lock"
            continue
        fi
        [ "$lj_waited" -lt 1200 ] || return 1
        sleep 0.1
        lj_waited=$((lj_waited + 1))
    done
    echo $$ > "$lj_lock/pid"
    lj_rc=1
    # Another launcher may have finished the training while this one waited.
    lj_state server
    lj_server_state=$lj_state
    lj_state client
    if [ "$lj_server_state" = ready ] && [ "$lj_state" = ready ]; then
        lj_rc=0
    else
        lj_train_locked && lj_rc=0
    fi
    rm -rf "$lj_lock"
    return $lj_rc
}

lj_train_locked() {
    lj_work=$(mktemp -d "${TMPDIR:-/tmp}/lottery-cds.XXXXXX") || return 1
    printf 'Ana,Peña,1,2000-01-01,7574\r\nJosé,Díaz,2,1990-12-31,1\r\n' > "$lj_work/agency-1.csv"
    lj_archive server
    lj_server_archive=$lj_archive
    lj_server_record=$lj_record
    lj_archive client
    lj_client_archive=$lj_archive
    lj_client_record=$lj_record
    if [ -z "$lj_server_archive" ] || [ -z "$lj_client_archive" ]; then rm -rf "$lj_work"; return 1; fi
    rm -f "$lj_server_archive" "$lj_server_archive.stamp" "$lj_server_archive.failed" "$lj_server_archive.failed.stamp" \
        "$lj_client_archive" "$lj_client_archive.stamp" "$lj_client_archive.failed" "$lj_client_archive.failed.stamp"
    # On JDK 25+ the AOT cache also keeps the method profiles of the training run, so the server's training carries a
    # real ingest: 16 synthetic agencies x 40,000 bets from lottery-loadgen beside the one real client. Measured on
    # the 64 x 20,000 ingest (tools/bench/ingest.sh): 2.5 s of server CPU instead of 3.4-3.7 s, 0.76-0.91 M bets/s
    # instead of 0.59-0.67 M, 2 runs each (measured when the server still had C2; not measured again since it runs
    # C1 alone, where the ingest's classes, linked ahead, are what it surely adds). Without the loadgen jar (or on JDK 17, whose archive holds classes only)
    # the training is the one-agency lottery alone.
    # Netty's leak detector tracks one buffer in 128 at its default level, so a real run usually makes a tracked
    # buffer, and the training's few buffers usually do not: its classes would then be loaded from the jar (read,
    # verified) at run time. The training tracks every buffer, so they are in the archive.
    lj_train_props='-Dio.netty.leakDetection.level=paranoid'
    lj_loadgen=0
    if [ "$lj_feature" -ge 25 ] && [ -f "$lj_loadgen_jar" ]; then lj_loadgen=1; fi
    lj_agencies=$((1 + 16 * lj_loadgen))
    lj_ok=1
    lj_try=0
    while [ "$lj_try" -lt 3 ]; do
        lj_try=$((lj_try + 1))
        lj_ok=1
        # A port of this range that is free now; if the server cannot bind it the try is repeated with another.
        lj_port=$((20000 + ($$ * 7 + lj_try * 7919 + $(date +%s) * 131) % 40000))
        # shellcheck disable=SC2086 # the flag lists are word lists
        (cd "$lj_work" && exec env -i PATH="$PATH" SERVER_IP=127.0.0.1 SERVER_PORT=$lj_port SERVER_AGENCIES=$lj_agencies \
            SERVER_STORAGE_PATH="$lj_work/bets-$lj_try.csv" LOGGING_LEVEL=INFO \
            "$lj_java" $lj_flags_server $lj_train_props "$lj_server_record$lj_work/server.archive" \
            -cp "$lj_server_jar" $lj_main_server) \
            > "$lj_work/server.log" 2>&1 &
        lj_server_pid=$!
        # shellcheck disable=SC2086
        (cd "$lj_work" && exec env -i PATH="$PATH" CLI_ID=1 CLI_SERVER_ADDRESS=127.0.0.1:$lj_port \
            CLI_LOOP_AMOUNT=1 CLI_LOOP_PERIOD=1s CLI_LOG_LEVEL=INFO CLI_DATA_FILE="$lj_work/agency-{id}.csv" \
            CLI_CONNECT_TIMEOUT=20s CLI_WINNERS_TIMEOUT=20s \
            "$lj_java" $lj_flags_client $lj_train_props "$lj_client_record$lj_work/client.archive" \
            -cp "$lj_client_jar" $lj_main_client) \
            > "$lj_work/client.log" 2>&1 &
        lj_client_pid=$!
        lj_loadgen_pid=
        if [ "$lj_loadgen" -eq 1 ]; then
            (cd "$lj_work" && exec "$lj_java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$lj_loadgen_jar" \
                --server 127.0.0.1:$lj_port --agencies 2..17 --bets 40000 --out "$lj_work" --timeout-seconds 60) \
                > "$lj_work/loadgen.log" 2>&1 &
            lj_loadgen_pid=$!
        fi
        # Stopped during the training (SIGTERM, Ctrl-C): its JVMs, its files and the lock go with it.
        trap 'kill -KILL "$lj_server_pid" "$lj_client_pid" $lj_loadgen_pid 2>/dev/null; rm -rf "$lj_work" "$lj_lock"; exit 143' TERM INT HUP
        if wait "$lj_client_pid" \
            && grep -q 'action: consulta_ganadores | result: success | cant_ganadores: 1' "$lj_work/client.log"; then
            lj_ok=0
        fi
        if [ -n "$lj_loadgen_pid" ] && ! wait "$lj_loadgen_pid"; then
            lj_ok=1
            tail -n 3 "$lj_work/loadgen.log" >&2
        fi
        kill -TERM "$lj_server_pid" 2>/dev/null # the graceful stop records the server's archive on the way out
        wait "$lj_server_pid" || lj_ok=1
        trap - TERM INT HUP
        [ "$lj_ok" -ne 0 ] || break
        rm -f "$lj_work/server.archive" "$lj_work/client.archive"
    done
    if [ "$lj_ok" -ne 0 ]; then
        echo "lottery: recording the class-data archives failed; running without them. Last try:" >&2
        tail -n 5 "$lj_work/server.log" "$lj_work/client.log" >&2
        rm -rf "$lj_work"
        return 1
    fi
    lj_install server "$lj_work/server.archive" "$lj_server_archive" || lj_ok=1
    lj_install client "$lj_work/client.archive" "$lj_client_archive" || lj_ok=1
    rm -rf "$lj_work"
    return $lj_ok
}

# lj_install ROLE RECORDED FINAL: checks that the JVM maps RECORDED in its strict mode (it exits with an error
# instead of starting without it), then moves it to FINAL with its stamp; else marks FINAL .failed.
lj_install() {
    if [ "$lj_feature" -ge 25 ]; then lj_strict="-XX:AOTMode=on -XX:AOTCache=$2"; else lj_strict="-Xshare:on -XX:SharedArchiveFile=$2"; fi
    eval "lj_check_flags=\$lj_flags_$1 lj_check_main=\$lj_main_$1"
    # shellcheck disable=SC2086
    if [ -f "$2" ] && "$lj_java" $lj_check_flags $lj_strict -cp "$lj_root/lottery-$1/target/lottery-$1.jar" \
        "$lj_check_main" --help > /dev/null 2>&1; then
        mv -f "$2" "$3" && echo "$lj_java $lj_version" > "$3.stamp" && return 0
    fi
    echo "lottery: $lj_java does not map the recorded $1 archive; the $1 runs without one" >&2
    echo "$lj_java $lj_version" > "$3.failed.stamp"
    : > "$3.failed"
    return 1
}

# lj_exec ROLE ARGS...: runs the jar of ROLE in place of this shell (signals reach the JVM), with the role's flags
# and its archive when there is one, recording the archives first when they are stale.
lj_exec() {
    lj_role=$1
    shift
    lj_find_java
    lj_state "$lj_role"
    if [ "$lj_state" = stale ]; then
        echo "lottery: recording the class-data archives for $lj_java (once per build; make build does it too)" >&2
        lj_train || true
        lj_state "$lj_role"
    fi
    lj_archive "$lj_role"
    [ "$lj_state" = ready ] || lj_use=
    eval "lj_flags=\$lj_flags_$lj_role lj_main=\$lj_main_$lj_role"
    # shellcheck disable=SC2086 # the flag lists are word lists
    exec "$lj_java" $lj_flags $lj_use ${LOTTERY_JAVA_OPTS:-} -cp "$lj_root/lottery-$lj_role/target/lottery-$lj_role.jar" \
        "$lj_main" "$@"
}

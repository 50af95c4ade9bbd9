#!/bin/sh
# Class-data-sharing training run, executed while the images are built (deploy/*/Dockerfile, stage `train`).
# It runs a real one-agency lottery on loopback inside the build container: the server and the client each record
# the classes they load into an archive (-XX:ArchiveClassesAtExit), which the final images map at start instead of
# loading and verifying those classes again. Nothing of this run is kept but the two archives. Each JVM runs with the
# flags of its image's ENTRYPOINT (bin/lottery-jvm.sh's per-role flags; the Dockerfiles copy this script and the
# client's security properties into /train), and Netty's leak detector tracking every
# buffer: at run time it tracks one in 128, which a real run makes and these few bets do not, so its classes are
# recorded here instead of being read from the jar at run time.
set -eu
work=$(mktemp -d)
cd "$work"                    # no config.yaml here: the environment alone configures both programs
printf 'Ana,Peña,1,2000-01-01,7574\r\nJosé,Díaz,2,1990-12-31,1\r\n' > "$work/agency-1.csv"

SERVER_IP=127.0.0.1 SERVER_PORT=12345 SERVER_LISTEN_BACKLOG=5 SERVER_AGENCIES=1 SERVER_STORAGE_PATH="$work/bets.csv" LOGGING_LEVEL=INFO \
    java -XX:ArchiveClassesAtExit=/app/lottery-server.jsa -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -XX:CompileThresholdScaling=5 -XX:-UsePerfData \
    -Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider \
    -Dio.netty.leakDetection.level=paranoid -cp /app/lottery-server.jar lottery.server.ServerMain > "$work/server.log" 2>&1 &
server=$!

CLI_ID=1 CLI_SERVER_ADDRESS=127.0.0.1:12345 CLI_LOOP_AMOUNT=1 CLI_LOOP_PERIOD=1s CLI_LOG_LEVEL=INFO \
    CLI_DATA_FILE="$work/agency-{id}.csv" CLI_CONNECT_TIMEOUT=30s \
    java -XX:ArchiveClassesAtExit=/app/lottery-client.jsa -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=10 \
    -XX:+UseSerialGC -XX:-UsePerfData -Dio.netty.leakDetection.level=paranoid \
    -Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider \
    -Djava.security.properties=/train/client.security -cp /app/lottery-client.jar lottery.client.ClientMain \
    > "$work/client.log" 2>&1 || {
        cat "$work/client.log" "$work/server.log" >&2; kill "$server"; exit 1; }

kill -TERM "$server"          # the graceful stop dumps the server's archive on the way out
wait "$server" || { cat "$work/server.log" >&2; exit 1; }
grep -q 'action: consulta_ganadores | result: success | cant_ganadores: 1' "$work/client.log"
ls -l /app/lottery-server.jsa /app/lottery-client.jsa
cd / && rm -rf "$work"

package lottery.server;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The server's settings, validated: an instance exists only if every value is usable. Built by {@link ConfigLoader}
 * from {@code config.yaml} and the environment.
 *
 * @param port                 TCP port to listen on, 0..65535 (0 picks a free port, for tests)
 * @param listenBacklog        accept queue length, 1..65535
 * @param agencies             agencies the draw waits for (agency ids 1..agencies); 0 means no draw ever and any
 *                             agency id is accepted
 * @param storagePath          the bets file (CSV)
 * @param idleTimeoutSeconds   seconds without a byte from a peer before its connection is closed; 0 disables
 * @param shutdownGraceSeconds seconds a stop waits for in-flight requests before closing connections
 * @param fsync                whether every stored batch is also forced to the disk before its Ack
 * @param loggingLevel         TRACE, DEBUG, INFO, WARN or ERROR (upper case)
 */
public record ServerConfig(int port, int listenBacklog, int agencies, Path storagePath, int idleTimeoutSeconds,
                           int shutdownGraceSeconds, boolean fsync, String loggingLevel) {

    /** Logging levels the server accepts. */
    public static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    public ServerConfig {
        checkRange("server.port", port, 0, 65535);
        checkRange("server.listen_backlog", listenBacklog, 1, 65535);
        checkRange("server.agencies", agencies, 0, 65535);
        checkRange("server.idle_timeout_seconds", idleTimeoutSeconds, 0, 86_400);
        checkRange("server.shutdown_grace_seconds", shutdownGraceSeconds, 0, 3_600);
        if (storagePath == null || storagePath.toString().isBlank()) {
            throw new IllegalArgumentException("server.storage_path is empty");
        }
        String level = loggingLevel == null ? "" : loggingLevel.trim().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException("logging.level '" + loggingLevel
                    + "' is not one of TRACE, DEBUG, INFO, WARN, ERROR");
        }
        loggingLevel = level;
    }

    private static void checkRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " " + value + " is not in " + min + ".." + max);
        }
    }

    /** The first log line of the server, as the black-box tests expect it. */
    public String logLine() {
        return "action: config | result: success | port: " + port + " | listen_backlog: " + listenBacklog
                + " | logging_level: " + loggingLevel + " | agencies: " + agencies + " | storage: " + storagePath;
    }
}

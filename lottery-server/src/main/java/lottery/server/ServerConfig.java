package lottery.server;

import java.nio.file.Path;
import java.util.Locale;
import lottery.common.log.LogText;
import lottery.common.log.Logging;
import lottery.server.net.TlsSettings;
import lottery.server.store.postgres.PgSettings;

/**
 * The server's settings, validated: an instance exists only if every value is usable. Built by {@link ConfigLoader}
 * from {@code config.ini} and the environment; the names in parentheses are the keys of that file.
 *
 * <p>Thread context: immutable; built on {@code main}, then read by any thread.
 *
 * @param port                 TCP port to listen on, 0..65535 (0 picks a free port, for tests) (SERVER_PORT)
 * @param listenBacklog        accept queue length, 1..65535 (SERVER_LISTEN_BACKLOG)
 * @param agencies             agencies the draw waits for (agency ids 1..agencies); 0 means no draw ever and any
 *                             agency id is accepted (SERVER_AGENCIES)
 * @param storagePath          the bets file (CSV) (SERVER_STORAGE_PATH)
 * @param idleTimeoutSeconds   seconds without a byte from a peer before its connection is closed; 0 disables
 *                             (SERVER_IDLE_TIMEOUT_SECONDS)
 * @param shutdownGraceSeconds seconds a stop waits for in-flight requests before closing connections
 *                             (SERVER_SHUTDOWN_GRACE_SECONDS)
 * @param fsync                whether every stored batch is also forced to the disk before its Ack (SERVER_FSYNC)
 * @param loggingLevel         TRACE, DEBUG, INFO, WARN or ERROR (upper case) (LOGGING_LEVEL)
 * @param listenAddress        the address to listen on: an IP literal or a host name, resolved when the server
 *                             starts ({@link LotteryServer#start}); {@value #ANY_ADDRESS} is every interface
 *                             (SERVER_IP)
 * @param secretsFile          the agencies' secrets, one {@code AGENCY = SECRET} line each; {@code null} = agencies
 *                             are not authenticated (SERVER_SECRETS_FILE)
 * @param maxConnections       open connections at most; a new one beyond is refused with TOO_MANY_CONNECTIONS
 *                             (SERVER_MAX_CONNECTIONS)
 * @param handshakeTimeoutSeconds seconds a new connection has to complete its HELLO (or to show it is an echo
 *                             connection); 0 disables (SERVER_HANDSHAKE_TIMEOUT_SECONDS)
 * @param postgres             where the bets are kept when {@code SERVER_STORE=postgres}: a database several servers
 *                             share; {@code null} = the CSV file {@code storagePath}, one server (SERVER_STORE=csv)
 * @param metricsPort          the HTTP port of the ops endpoint ({@code /metrics}, {@code /health}, {@code /ready},
 *                             {@code /status.json}), 0..65535 (0 picks a free port, for tests), on the same address;
 *                             {@value #METRICS_OFF} = off, the default (SERVER_METRICS_PORT)
 * @param tls                  TLS on the lottery port and agency certificates; {@code null} = off, the default
 *                             (SERVER_TLS_CERT, SERVER_TLS_KEY, SERVER_TLS_CLIENT_CA, SERVER_TLS_CLIENT_AUTH,
 *                             SERVER_TLS_REVOKED, SERVER_TLS_ALLOW_PLAIN)
 */
public record ServerConfig(int port, int listenBacklog, int agencies, Path storagePath, int idleTimeoutSeconds,
                           int shutdownGraceSeconds, boolean fsync, String loggingLevel, String listenAddress,
                           Path secretsFile, int maxConnections, int handshakeTimeoutSeconds, PgSettings postgres,
                           int metricsPort, TlsSettings tls) {

    /** The default listen address: every interface. */
    public static final String ANY_ADDRESS = "0.0.0.0";
    /** Default accept queue: 1,000 agencies connecting at once all get in (Linux caps it at net.core.somaxconn). */
    public static final int DEFAULT_LISTEN_BACKLOG = 1024;
    /** Default connection limit: 10,000 agencies, well under the usual open-file limit of a container. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /** Default handshake deadline, in seconds. */
    public static final int DEFAULT_HANDSHAKE_TIMEOUT_SECONDS = 10;
    /** {@link #metricsPort} when SERVER_METRICS_PORT is not set: no ops endpoint, nothing of it loaded. */
    public static final int METRICS_OFF = -1;

    public ServerConfig {
        checkRange("SERVER_PORT", port, 0, 65535);
        checkRange("SERVER_LISTEN_BACKLOG", listenBacklog, 1, 65535);
        checkRange("SERVER_AGENCIES", agencies, 0, 65535);
        checkRange("SERVER_IDLE_TIMEOUT_SECONDS", idleTimeoutSeconds, 0, 86_400);
        checkRange("SERVER_SHUTDOWN_GRACE_SECONDS", shutdownGraceSeconds, 0, 3_600);
        if (storagePath == null || storagePath.toString().isBlank()) {
            throw new IllegalArgumentException("SERVER_STORAGE_PATH is empty");
        }
        String level = loggingLevel == null ? "" : loggingLevel.trim().toUpperCase(Locale.ROOT);
        if (!Logging.LEVELS.contains(level)) {
            throw new IllegalArgumentException("LOGGING_LEVEL '" + loggingLevel
                    + "' is not one of TRACE, DEBUG, INFO, WARN, ERROR");
        }
        loggingLevel = level;
        if (listenAddress == null || listenAddress.isBlank()) {
            throw new IllegalArgumentException("SERVER_IP is empty");
        }
        listenAddress = listenAddress.strip();
        if (secretsFile != null && secretsFile.toString().isBlank()) {
            secretsFile = null;
        }
        checkRange("SERVER_MAX_CONNECTIONS", maxConnections, 1, 1_000_000);
        checkRange("SERVER_HANDSHAKE_TIMEOUT_SECONDS", handshakeTimeoutSeconds, 0, 3_600);
        if (metricsPort != METRICS_OFF) {
            checkRange("SERVER_METRICS_PORT", metricsPort, 0, 65535);
            if (metricsPort != 0 && metricsPort == port) {
                throw new IllegalArgumentException("SERVER_METRICS_PORT " + metricsPort + " is SERVER_PORT too");
            }
        }
    }

    /** The settings without TLS. */
    public ServerConfig(int port, int listenBacklog, int agencies, Path storagePath, int idleTimeoutSeconds,
                        int shutdownGraceSeconds, boolean fsync, String loggingLevel, String listenAddress,
                        Path secretsFile, int maxConnections, int handshakeTimeoutSeconds, PgSettings postgres,
                        int metricsPort) {
        this(port, listenBacklog, agencies, storagePath, idleTimeoutSeconds, shutdownGraceSeconds, fsync,
                loggingLevel, listenAddress, secretsFile, maxConnections, handshakeTimeoutSeconds, postgres,
                metricsPort, null);
    }

    /** The settings without the ops endpoint (SERVER_METRICS_PORT not set). */
    public ServerConfig(int port, int listenBacklog, int agencies, Path storagePath, int idleTimeoutSeconds,
                        int shutdownGraceSeconds, boolean fsync, String loggingLevel, String listenAddress,
                        Path secretsFile, int maxConnections, int handshakeTimeoutSeconds, PgSettings postgres) {
        this(port, listenBacklog, agencies, storagePath, idleTimeoutSeconds, shutdownGraceSeconds, fsync,
                loggingLevel, listenAddress, secretsFile, maxConnections, handshakeTimeoutSeconds, postgres,
                METRICS_OFF);
    }

    /** The settings of a server with the CSV store. */
    public ServerConfig(int port, int listenBacklog, int agencies, Path storagePath, int idleTimeoutSeconds,
                        int shutdownGraceSeconds, boolean fsync, String loggingLevel, String listenAddress,
                        Path secretsFile, int maxConnections, int handshakeTimeoutSeconds) {
        this(port, listenBacklog, agencies, storagePath, idleTimeoutSeconds, shutdownGraceSeconds, fsync,
                loggingLevel, listenAddress, secretsFile, maxConnections, handshakeTimeoutSeconds, null);
    }

    /** The settings without agency secrets and with the default connection limits. */
    public ServerConfig(int port, int listenBacklog, int agencies, Path storagePath, int idleTimeoutSeconds,
                        int shutdownGraceSeconds, boolean fsync, String loggingLevel, String listenAddress) {
        this(port, listenBacklog, agencies, storagePath, idleTimeoutSeconds, shutdownGraceSeconds, fsync,
                loggingLevel, listenAddress, null, DEFAULT_MAX_CONNECTIONS, DEFAULT_HANDSHAKE_TIMEOUT_SECONDS);
    }

    /** The settings listening on every interface ({@value #ANY_ADDRESS}), as before the listen address existed. */
    public ServerConfig(int port, int listenBacklog, int agencies, Path storagePath, int idleTimeoutSeconds,
                        int shutdownGraceSeconds, boolean fsync, String loggingLevel) {
        this(port, listenBacklog, agencies, storagePath, idleTimeoutSeconds, shutdownGraceSeconds, fsync,
                loggingLevel, ANY_ADDRESS);
    }

    /** Whether agencies must prove who they are with a secret ({@link #secretsFile} is set). */
    public boolean authenticates() {
        return secretsFile != null;
    }

    /** The same settings with agency secrets read from {@code file} (null: none). */
    public ServerConfig withSecretsFile(Path file) {
        return new ServerConfig(port, listenBacklog, agencies, storagePath, idleTimeoutSeconds, shutdownGraceSeconds,
                fsync, loggingLevel, listenAddress, file, maxConnections, handshakeTimeoutSeconds, postgres,
                metricsPort, tls);
    }

    /** The same settings with other connection limits. */
    public ServerConfig withConnectionLimits(int maxConnections, int handshakeTimeoutSeconds) {
        return new ServerConfig(port, listenBacklog, agencies, storagePath, idleTimeoutSeconds, shutdownGraceSeconds,
                fsync, loggingLevel, listenAddress, secretsFile, maxConnections, handshakeTimeoutSeconds, postgres,
                metricsPort, tls);
    }

    /** The same settings with the bets in PostgreSQL ({@code settings}), or in the CSV file ({@code null}). */
    public ServerConfig withPostgres(PgSettings settings) {
        return new ServerConfig(port, listenBacklog, agencies, storagePath, idleTimeoutSeconds, shutdownGraceSeconds,
                fsync, loggingLevel, listenAddress, secretsFile, maxConnections, handshakeTimeoutSeconds, settings,
                metricsPort, tls);
    }

    /** The same settings with the ops endpoint on {@code port} (0: a free one), or off ({@link #METRICS_OFF}). */
    public ServerConfig withMetricsPort(int port) {
        return new ServerConfig(this.port, listenBacklog, agencies, storagePath, idleTimeoutSeconds,
                shutdownGraceSeconds, fsync, loggingLevel, listenAddress, secretsFile, maxConnections,
                handshakeTimeoutSeconds, postgres, port, tls);
    }

    /** The same settings with TLS on ({@code settings}) or off ({@code null}). */
    public ServerConfig withTls(TlsSettings settings) {
        return new ServerConfig(port, listenBacklog, agencies, storagePath, idleTimeoutSeconds, shutdownGraceSeconds,
                fsync, loggingLevel, listenAddress, secretsFile, maxConnections, handshakeTimeoutSeconds, postgres,
                metricsPort, settings);
    }

    /** Whether the ops endpoint is on (SERVER_METRICS_PORT is set). */
    public boolean opsEnabled() {
        return metricsPort != METRICS_OFF;
    }

    /** Whether the bets are in PostgreSQL, shared with other servers ({@code SERVER_STORE=postgres}). */
    public boolean sharedStore() {
        return postgres != null;
    }

    /**
     * The settings the first line leaves out, so the log says whether Acks are durable and how connections are
     * bounded: {@code action: config_details | result: success | fsync: B | authentication: on|off | max_connections:
     * N | handshake_timeout_seconds: S | idle_timeout_seconds: S | shutdown_grace_seconds: S} (never a secret).
     */
    public String detailsLine() {
        return "action: config_details | result: success | fsync: " + fsync + " | authentication: "
                + (authenticates() ? "on" : "off") + " | max_connections: " + maxConnections
                + " | handshake_timeout_seconds: " + handshakeTimeoutSeconds + " | idle_timeout_seconds: "
                + idleTimeoutSeconds + " | shutdown_grace_seconds: " + shutdownGraceSeconds;
    }

    /**
     * The store line (never the password): {@code action: store | result: success | store: csv | path: P}, or
     * {@code store: postgres | url: jdbc:postgresql://HOST:PORT/DB | user: U | pool: N | bulk: copy|insert}.
     */
    public String storeLine() {
        if (postgres == null) {
            return "action: store | result: success | store: csv | path: " + LogText.clean(storagePath.toString());
        }
        return "action: store | result: success | store: postgres | url: " + LogText.clean(postgres.displayUrl())
                + " | user: " + LogText.clean(postgres.user()) + " | pool: " + postgres.poolSize() + " | bulk: "
                + postgres.bulk().name().toLowerCase(Locale.ROOT);
    }

    private static void checkRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " " + value + " is not in " + min + ".." + max);
        }
    }

    /**
     * The first log line of the server, as the black-box tests expect it (they compare {@code listen_backlog} and
     * {@code logging_level} with the values they wrote into config.ini).
     */
    public String logLine() {
        return "action: config | result: success | port: " + port + " | listen_backlog: " + listenBacklog
                + " | logging_level: " + loggingLevel + " | agencies: " + agencies + " | storage: "
                + LogText.clean(storagePath.toString()) + " | ip: " + LogText.clean(listenAddress);
    }
}

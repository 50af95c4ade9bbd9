package lottery.server;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lottery.common.config.ConfigException;
import lottery.common.config.ConfigKey;
import lottery.common.config.IniFile;
import lottery.common.config.Settings;
import lottery.common.log.LogText;
import lottery.common.log.Logging;
import lottery.server.net.TlsSettings;
import lottery.server.store.postgres.PgSettings;

/**
 * Reads {@link ServerConfig} from the course's INI file ({@link IniFile}), with environment variables of the same
 * names overriding the file key by key, by the rules both applications share ({@link Settings}):
 *
 * <pre>
 * [DEFAULT]
 * SERVER_PORT = 12345                  # required, 0..65535
 * SERVER_IP = 0.0.0.0                  # default 0.0.0.0: the address to listen on (IP literal or host name)
 * SERVER_LISTEN_BACKLOG = 1024         # default 1024, 1..65535
 * LOGGING_LEVEL = DEBUG                # required: TRACE, DEBUG, INFO, WARN or ERROR
 * SERVER_AGENCIES = 5                  # default 5, 0..65535
 * SERVER_STORAGE_PATH = bets.csv       # default bets.csv
 * SERVER_IDLE_TIMEOUT_SECONDS = 60     # default 60, 0..86400
 * SERVER_SHUTDOWN_GRACE_SECONDS = 5    # default 5, 0..3600
 * SERVER_FSYNC = true                  # default true: true or false, any case
 * SERVER_SECRETS_FILE = secrets.ini    # default none (agencies not authenticated)
 * SERVER_MAX_CONNECTIONS = 10000       # default 10000, 1..1000000
 * SERVER_HANDSHAKE_TIMEOUT_SECONDS = 10 # default 10, 0..3600
 * SERVER_STORE = csv                   # default csv: csv (one server, SERVER_STORAGE_PATH) or postgres (shared)
 * SERVER_PG_URL = jdbc:postgresql://postgres:5432/lottery   # required with postgres; no password in it
 * SERVER_PG_USER = lottery             # default postgres
 * SERVER_PG_PASSWORD = ...             # default empty; never logged
 * SERVER_PG_POOL_SIZE = 4              # default 4, 2..64
 * SERVER_PG_BULK = copy                # default copy: copy or insert
 * SERVER_METRICS_PORT = 9464           # default none (off): HTTP /metrics, /health, /ready, 0..65535
 * SERVER_TLS_CERT = /run/tls/server.pem # default none (TLS off): the server's PEM certificate chain
 * SERVER_TLS_KEY = /run/tls/server.key  # required with SERVER_TLS_CERT: its PKCS#8 PEM key
 * SERVER_TLS_CLIENT_CA = /run/tls/ca.pem # default none: agency certificates verified against this PEM CA
 * SERVER_TLS_CLIENT_AUTH = require      # default require with SERVER_TLS_CLIENT_CA: require or optional
 * SERVER_TLS_REVOKED = /run/tls/revoked.txt # default none: revoked agency certificates (serials, fingerprints)
 * SERVER_TLS_ALLOW_PLAIN = false        # default false: with TLS, whether the plain lottery protocol is accepted
 * </pre>
 *
 * (The INI format has no inline comments: the {@code #} notes above are for this comment only.) Unknown keys, values
 * of the wrong type or out of range and missing required keys are errors: a typo must not silently fall back to a
 * default. An empty or blank environment variable counts as unset. {@code LOGGING_LEVEL} takes the names of
 * {@link Logging#parseLevel}.
 *
 * <p>Thread context: stateless; {@code main} calls it once at start (tests from any thread).
 */
public final class ConfigLoader {
    /** The configuration file read without {@code --config}, relative to the working directory. */
    public static final Path DEFAULT_FILE = Path.of("config.ini");

    /** One configuration key: its name in the file and in the environment, its default and (integers) its range. */
    enum Key {
        SERVER_PORT(null, 0, 65535),
        SERVER_IP(ServerConfig.ANY_ADDRESS),
        SERVER_LISTEN_BACKLOG(Integer.toString(ServerConfig.DEFAULT_LISTEN_BACKLOG), 1, 65535),
        LOGGING_LEVEL(null),
        SERVER_AGENCIES("5", 0, 65535),
        SERVER_STORAGE_PATH("bets.csv"),
        SERVER_IDLE_TIMEOUT_SECONDS("60", 0, 86_400),
        SERVER_SHUTDOWN_GRACE_SECONDS("5", 0, 3_600),
        SERVER_FSYNC("true"),
        SERVER_SECRETS_FILE(""),
        SERVER_MAX_CONNECTIONS(Integer.toString(ServerConfig.DEFAULT_MAX_CONNECTIONS), 1, 1_000_000),
        SERVER_HANDSHAKE_TIMEOUT_SECONDS(Integer.toString(ServerConfig.DEFAULT_HANDSHAKE_TIMEOUT_SECONDS), 0, 3_600),
        SERVER_STORE("csv"),
        SERVER_PG_URL(""),
        SERVER_PG_USER("postgres"),
        SERVER_PG_PASSWORD(""),
        SERVER_PG_POOL_SIZE("4", 2, 64),
        SERVER_PG_BULK("copy"),
        SERVER_METRICS_PORT("", 0, 65535),
        SERVER_TLS_CERT(""),
        SERVER_TLS_KEY(""),
        SERVER_TLS_CLIENT_CA(""),
        SERVER_TLS_CLIENT_AUTH(""),
        SERVER_TLS_REVOKED(""),
        SERVER_TLS_ALLOW_PLAIN("false");

        /** The key for {@link Settings}: the file's key and the environment variable have the same name. */
        final ConfigKey key;
        /** The range of an integer key. */
        final int min;
        final int max;

        Key(String defaultValue) {
            this(defaultValue, 0, 0);
        }

        Key(String defaultValue, int min, int max) {
            this.key = ConfigKey.of(name(), name(), defaultValue);
            this.min = min;
            this.max = max;
        }
    }

    private static final List<ConfigKey> KEYS = Arrays.stream(Key.values()).map(key -> key.key).toList();

    private ConfigLoader() {
    }

    /**
     * Loads the configuration.
     *
     * @param file     the INI file
     * @param required whether a missing file is an error (a path given with {@code --config}); a missing default
     *                 file counts as empty, so the environment alone can configure the server
     * @param env      the environment (System.getenv() in production)
     */
    public static ServerConfig load(Path file, boolean required, Map<String, String> env) throws ConfigException {
        return load(file, required, env, new ArrayList<>());
    }

    /**
     * Loads the configuration like {@link #load(Path, boolean, Map)} and adds to {@code overrides} one log line for
     * every key that the environment changes although the file sets it ({@link Settings#overrides}).
     */
    public static ServerConfig load(Path file, boolean required, Map<String, String> env, List<String> overrides)
            throws ConfigException {
        Settings settings = Settings.load(KEYS, file, required, IniFile::read, env);
        for (String line : settings.overrides()) {
            // The override line shows both values: never for the password.
            overrides.add(line.contains("| key: " + Key.SERVER_PG_PASSWORD.name() + " |")
                    ? "action: config_override | result: success | key: " + Key.SERVER_PG_PASSWORD.name()
                            + " | file_value: *** | value: ***"
                    : line);
        }
        try {
            return new ServerConfig(
                    integer(settings, Key.SERVER_PORT),
                    integer(settings, Key.SERVER_LISTEN_BACKLOG),
                    integer(settings, Key.SERVER_AGENCIES),
                    settings.get(Key.SERVER_STORAGE_PATH.key, ConfigLoader::path),
                    integer(settings, Key.SERVER_IDLE_TIMEOUT_SECONDS),
                    integer(settings, Key.SERVER_SHUTDOWN_GRACE_SECONDS),
                    settings.bool(Key.SERVER_FSYNC.key),
                    settings.get(Key.LOGGING_LEVEL.key, Logging::parseLevel),
                    settings.text(Key.SERVER_IP.key),
                    secretsFile(settings.text(Key.SERVER_SECRETS_FILE.key)),
                    integer(settings, Key.SERVER_MAX_CONNECTIONS),
                    integer(settings, Key.SERVER_HANDSHAKE_TIMEOUT_SECONDS),
                    postgres(settings),
                    metricsPort(settings),
                    tls(settings));
        } catch (IllegalArgumentException e) {
            // ServerConfig checks again what the checks above let through: nothing, unless they disagree.
            throw new ConfigException(e.getMessage(), e);
        }
    }

    /** The PostgreSQL settings with {@code SERVER_STORE=postgres}, null with {@code csv}. */
    private static PgSettings postgres(Settings settings) throws ConfigException {
        // Checked with either store: a bad value is a mistake even where it is not used yet.
        int poolSize = integer(settings, Key.SERVER_PG_POOL_SIZE);
        PgSettings.Bulk bulk = settings.get(Key.SERVER_PG_BULK.key, PgSettings.Bulk::parse);
        String store = settings.text(Key.SERVER_STORE.key).strip().toLowerCase(Locale.ROOT);
        if (store.equals("csv")) {
            return null;
        }
        if (!store.equals("postgres")) {
            throw new ConfigException("SERVER_STORE '" + LogText.clean(settings.text(Key.SERVER_STORE.key))
                    + "' (" + settings.source(Key.SERVER_STORE.key) + ") is not csv or postgres");
        }
        String url = settings.text(Key.SERVER_PG_URL.key).strip();
        if (url.isEmpty()) {
            throw new ConfigException("SERVER_PG_URL is required with SERVER_STORE=postgres"
                    + " (jdbc:postgresql://HOST:PORT/DATABASE)");
        }
        return new PgSettings(url, settings.text(Key.SERVER_PG_USER.key).strip(),
                settings.text(Key.SERVER_PG_PASSWORD.key), poolSize, bulk);
    }

    /**
     * TLS (SERVER_TLS_*): null when SERVER_TLS_CERT is not set. Only the combination is checked here; the files are
     * read when the server starts ({@code ServerTls.load}), where an unreadable one is a start-up failure (status 1),
     * as SERVER_SECRETS_FILE is.
     */
    private static TlsSettings tls(Settings settings) throws ConfigException {
        Path cert = optionalPath(settings, Key.SERVER_TLS_CERT);
        Path key = optionalPath(settings, Key.SERVER_TLS_KEY);
        Path clientCa = optionalPath(settings, Key.SERVER_TLS_CLIENT_CA);
        Path revoked = optionalPath(settings, Key.SERVER_TLS_REVOKED);
        boolean allowPlain = settings.bool(Key.SERVER_TLS_ALLOW_PLAIN.key);
        String authText = settings.text(Key.SERVER_TLS_CLIENT_AUTH.key).strip().toLowerCase(Locale.ROOT);
        if (!authText.isEmpty() && !authText.equals("require") && !authText.equals("optional")) {
            throw new ConfigException("SERVER_TLS_CLIENT_AUTH '" + LogText.clean(settings.text(
                    Key.SERVER_TLS_CLIENT_AUTH.key)) + "' (" + settings.source(Key.SERVER_TLS_CLIENT_AUTH.key)
                    + ") is not require or optional");
        }
        if (cert == null) {
            for (Key other : new Key[] {Key.SERVER_TLS_KEY, Key.SERVER_TLS_CLIENT_CA, Key.SERVER_TLS_CLIENT_AUTH,
                    Key.SERVER_TLS_REVOKED}) {
                if (!settings.text(other.key).isBlank()) {
                    throw new ConfigException(other.name() + " (" + settings.source(other.key)
                            + ") needs SERVER_TLS_CERT: TLS is off without the server's certificate");
                }
            }
            if (allowPlain) {
                throw new ConfigException("SERVER_TLS_ALLOW_PLAIN=true (" + settings.source(
                        Key.SERVER_TLS_ALLOW_PLAIN.key) + ") needs SERVER_TLS_CERT: without TLS everything is plain");
            }
            return null;
        }
        if (key == null) {
            throw new ConfigException("SERVER_TLS_CERT (" + settings.source(Key.SERVER_TLS_CERT.key)
                    + ") needs SERVER_TLS_KEY, the certificate's private key (PEM, PKCS#8)");
        }
        if (clientCa == null && (!authText.isEmpty() || revoked != null)) {
            Key other = authText.isEmpty() ? Key.SERVER_TLS_REVOKED : Key.SERVER_TLS_CLIENT_AUTH;
            throw new ConfigException(other.name() + " (" + settings.source(other.key) + ") needs"
                    + " SERVER_TLS_CLIENT_CA: without it the server asks for no agency certificate");
        }
        TlsSettings.ClientAuth auth = clientCa == null ? TlsSettings.ClientAuth.OFF
                : authText.equals("optional") ? TlsSettings.ClientAuth.OPTIONAL : TlsSettings.ClientAuth.REQUIRE;
        return new TlsSettings(cert, key, clientCa, auth, revoked, allowPlain);
    }

    private static Path optionalPath(Settings settings, Key key) throws ConfigException {
        String text = settings.text(key.key);
        if (text == null || text.isBlank()) {
            return null;
        }
        return settings.get(key.key, value -> path(value.strip()));
    }

    /** SERVER_METRICS_PORT: {@link ServerConfig#METRICS_OFF} when not set (blank), else the port. */
    private static int metricsPort(Settings settings) throws ConfigException {
        if (settings.text(Key.SERVER_METRICS_PORT.key).isBlank()) {
            return ServerConfig.METRICS_OFF;
        }
        return integer(settings, Key.SERVER_METRICS_PORT);
    }

    private static int integer(Settings settings, Key key) throws ConfigException {
        return settings.integer(key.key, key.min, key.max);
    }

    private static Path secretsFile(String text) {
        return text == null || text.isBlank() ? null : path(text.strip());
    }

    private static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("is not a valid path: " + e.getReason(), e);
        }
    }
}

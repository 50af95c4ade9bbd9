package lottery.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import lottery.client.ClientConfig.Mode;
import lottery.client.agency.BetSource;
import lottery.client.agency.EnvBet;
import lottery.client.net.ClientTls;
import lottery.client.net.ServerAddress;
import lottery.common.config.ConfigException;
import lottery.common.config.ConfigKey;
import lottery.common.config.Settings;
import lottery.common.config.YamlFile;
import lottery.common.log.LogText;
import lottery.common.log.Logging;
import lottery.protocol.message.Limits;
import lottery.protocol.message.Bet;

/**
 * Reads {@link ClientConfig} from the YAML file of the original Go client ({@link YamlFile}) and the environment, by
 * the rules both applications share ({@link Settings}): every key has an environment variable that overrides it
 * ({@code server.address} is {@code CLI_SERVER_ADDRESS}, as the skeleton's viper setup named them), an empty or blank
 * variable counts as unset, and the agency number comes from {@code CLI_ID} only.
 *
 * <pre>
 * server:
 *   address: "server:12345"     # required: host:port, or [v6]:port
 * loop:
 *   amount: 5                   # required: echo messages, 0..2147483647
 *   period: "5s"                # required: pause after each echo message, a Go duration, not negative
 * log:
 *   level: "INFO"               # required: TRACE, DEBUG, INFO, WARN or ERROR (also logrus's warning, fatal, panic)
 * batch:
 *   maxAmount: 163              # default 163: most bets per batch, 1..65535
 * mode: lottery                 # default lottery: lottery or echo
 * data:
 *   file: /data/agency-{id}.csv # default: the agency's CSV, {id} = CLI_ID; "" = none
 * connect:
 *   timeout: 30s                # default 30s: how long to retry the first connection, not negative
 * winners:
 *   timeout: 60s                # default 60s: how long to wait for the winners, positive
 * reconnect:
 *   timeout: 60s                # default 60s: how long to try to get a session back after a loss, not negative
 * auth:
 *   secret: "..."               # optional: the agency's secret for the Hello
 *   secretFile: /run/secrets/x  # optional: a file whose first line (trimmed) is the secret; at most one of the two
 * tls:
 *   ca: /run/tls/ca.pem         # optional: TLS on, trusting this PEM CA for the server's certificate
 *   cert: /run/tls/agency.pem   # optional, with tls.key: the agency's certificate (CN=agency-N)
 *   key: /run/tls/agency.key    # its PKCS#8 key
 *   serverName: server          # optional: the name the server's certificate must carry (default: server.address host)
 * </pre>
 *
 * The secret is never logged: not in the config lines (they say {@code secret: set} or {@code none}), not in an
 * error message, not in the {@code config_override} line of {@code auth.secret} (its values show as {@code ***}).
 *
 * The skeleton's keys are required; the added ones have defaults. Unknown keys, duplicates, lists and values of the
 * wrong type are errors ({@link YamlFile}). In lottery mode the bets must exist: the single bet of the variables
 * {@code NOMBRE}..{@code NUMERO} ({@link EnvBet}) or a readable {@code data.file}.
 */
public final class ClientConfigLoader {
    /** The file read when no {@code --config} is given; it may be absent (then only the environment counts). */
    public static final Path DEFAULT_FILE = Path.of("config.yaml");
    /** The placeholder in {@code data.file} that stands for the agency id. */
    public static final String ID_PLACEHOLDER = "{id}";

    static final ConfigKey ID = ConfigKey.environmentOnly("CLI_ID", null);
    static final ConfigKey SERVER_ADDRESS = key("server.address", null);
    static final ConfigKey LOOP_AMOUNT = key("loop.amount", null);
    static final ConfigKey LOOP_PERIOD = key("loop.period", null);
    static final ConfigKey LOG_LEVEL = key("log.level", null);
    static final ConfigKey BATCH_MAX_AMOUNT = key("batch.maxAmount",
            Integer.toString(ClientConfig.DEFAULT_BATCH_MAX_AMOUNT));
    static final ConfigKey MODE = key("mode", "lottery");
    static final ConfigKey DATA_FILE = key("data.file", "/data/agency-" + ID_PLACEHOLDER + ".csv");
    static final ConfigKey CONNECT_TIMEOUT = key("connect.timeout", "30s");
    static final ConfigKey WINNERS_TIMEOUT = key("winners.timeout", "60s");
    static final ConfigKey RECONNECT_TIMEOUT = key("reconnect.timeout", "60s");
    static final ConfigKey AUTH_SECRET = key("auth.secret", "");
    static final ConfigKey AUTH_SECRET_FILE = ConfigKey.of("auth.secretFile", "CLI_AUTH_SECRET_FILE", "");
    static final ConfigKey TLS_CA = key("tls.ca", "");
    static final ConfigKey TLS_CERT = key("tls.cert", "");
    static final ConfigKey TLS_KEY = key("tls.key", "");
    static final ConfigKey TLS_SERVER_NAME = ConfigKey.of("tls.serverName", "CLI_TLS_SERVER_NAME", "");
    private static final List<ConfigKey> KEYS = List.of(ID, SERVER_ADDRESS, LOOP_AMOUNT, LOOP_PERIOD, LOG_LEVEL,
            BATCH_MAX_AMOUNT, MODE, DATA_FILE, CONNECT_TIMEOUT, WINNERS_TIMEOUT, RECONNECT_TIMEOUT, AUTH_SECRET,
            AUTH_SECRET_FILE, TLS_CA, TLS_CERT, TLS_KEY, TLS_SERVER_NAME);
    /** The start of the {@code config_override} line of {@link #AUTH_SECRET}, whose values must not be logged. */
    private static final String SECRET_OVERRIDE = "action: config_override | result: success | key: "
            + "auth.secret | ";

    private ClientConfigLoader() {
    }

    /** A key of the file and its variable: {@code CLI_} and the key in upper case, dots as underscores. */
    private static ConfigKey key(String name, String defaultValue) {
        return ConfigKey.of(name, "CLI_" + name.replace('.', '_').toUpperCase(Locale.ROOT), defaultValue);
    }

    /**
     * Loads the settings.
     *
     * @param file         the YAML file, or {@code null} for none
     * @param fileRequired whether a missing {@code file} is an error (an explicit {@code --config}) or just means
     *                     "environment only" (the default path)
     * @param env          the environment variables
     * @throws ConfigException naming the first key that is missing or wrong, and where its value came from
     */
    public static ClientConfig load(Path file, boolean fileRequired, Map<String, String> env)
            throws ConfigException {
        return load(file, fileRequired, env, new ArrayList<>());
    }

    /**
     * Loads the settings like {@link #load(Path, boolean, Map)} and adds to {@code overrides} one log line for every
     * key that the environment changes although the file sets it ({@link Settings#overrides}).
     */
    public static ClientConfig load(Path file, boolean fileRequired, Map<String, String> env, List<String> overrides)
            throws ConfigException {
        Settings settings = Settings.load(KEYS, file, fileRequired, YamlFile::read, env);
        for (String line : settings.overrides()) {
            overrides.add(line.startsWith(SECRET_OVERRIDE) ? SECRET_OVERRIDE + "file_value: *** | value: ***" : line);
        }
        int id = settings.integer(ID, 1, 65535);
        ServerAddress server = settings.get(SERVER_ADDRESS, ServerAddress::parse);
        int loopAmount = settings.integer(LOOP_AMOUNT, 0, Integer.MAX_VALUE);
        GoDuration loopPeriod = settings.get(LOOP_PERIOD, ClientConfigLoader::nonNegative);
        String logLevel = settings.get(LOG_LEVEL, Logging::parseLevel);
        int maxAmount = settings.integer(BATCH_MAX_AMOUNT, 1, 65535);
        Mode mode = settings.get(MODE, ClientConfigLoader::mode);
        String dataFile = settings.text(DATA_FILE).replace(ID_PLACEHOLDER, Integer.toString(id));
        GoDuration connectTimeout = settings.get(CONNECT_TIMEOUT, ClientConfigLoader::nonNegative);
        GoDuration winnersTimeout = settings.get(WINNERS_TIMEOUT, ClientConfigLoader::positive);
        GoDuration reconnectTimeout = settings.get(RECONNECT_TIMEOUT, ClientConfigLoader::nonNegative);
        String secret = secret(settings);
        ClientTls tls = tls(settings);
        Bet bet = null;
        if (mode == Mode.LOTTERY) {
            bet = envBet(env).orElse(null);
            if (bet == null) {
                checkDataFile(dataFile);
            }
        }
        return new ClientConfig(id, server, loopAmount, loopPeriod, logLevel, maxAmount, mode, dataFile,
                connectTimeout, winnersTimeout, bet, secret, reconnectTimeout, tls);
    }

    /**
     * TLS: null when tls.ca is not set. The files are read here, so a wrong one is a configuration error (exit 2)
     * naming the key and the file, before anything is sent.
     */
    private static ClientTls tls(Settings settings) throws ConfigException {
        String ca = settings.text(TLS_CA).strip();
        String cert = settings.text(TLS_CERT).strip();
        String key = settings.text(TLS_KEY).strip();
        String serverName = settings.text(TLS_SERVER_NAME).strip();
        if (ca.isEmpty()) {
            for (ConfigKey other : List.of(TLS_CERT, TLS_KEY, TLS_SERVER_NAME)) {
                if (!settings.text(other).isBlank()) {
                    throw new ConfigException(other.name() + " (" + settings.source(other) + ") needs "
                            + TLS_CA.name() + ": TLS is off without the CA that signed the server's certificate");
                }
            }
            return null;
        }
        if (cert.isEmpty() != key.isEmpty()) {
            ConfigKey set = cert.isEmpty() ? TLS_KEY : TLS_CERT;
            throw new ConfigException(set.name() + " (" + settings.source(set) + ") needs "
                    + (cert.isEmpty() ? TLS_CERT.name() : TLS_KEY.name()) + ": the agency certificate and its key go"
                    + " together");
        }
        try {
            return ClientTls.load(Path.of(ca), cert.isEmpty() ? null : Path.of(cert), key.isEmpty() ? null
                    : Path.of(key), serverName.isEmpty() ? null : serverName);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    /**
     * The agency's secret: {@code auth.secret}, or the first line of {@code auth.secretFile} trimmed, or "" when
     * neither is set. The messages name the key and the file, never the secret.
     */
    private static String secret(Settings settings) throws ConfigException {
        String inline = settings.text(AUTH_SECRET);
        String file = settings.text(AUTH_SECRET_FILE);
        if (!inline.isEmpty() && !file.isEmpty()) {
            throw new ConfigException("set at most one of " + AUTH_SECRET.name() + " (" + settings.source(AUTH_SECRET)
                    + ") and " + AUTH_SECRET_FILE.name() + " (" + settings.source(AUTH_SECRET_FILE) + ")");
        }
        String secret = inline;
        String origin = AUTH_SECRET.name() + " (" + settings.source(AUTH_SECRET) + ")";
        if (!file.isEmpty()) {
            origin = AUTH_SECRET_FILE.name() + " " + file + " (" + settings.source(AUTH_SECRET_FILE) + ")";
            secret = firstLine(Path.of(file), origin);
            if (secret.isEmpty()) {
                throw new ConfigException(origin + ": the first line is empty, no secret");
            }
        }
        try {
            Limits.checkText("the secret", secret, true);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(origin + ": " + e.getMessage(), e);
        }
        return secret;
    }

    private static String firstLine(Path file, String origin) throws ConfigException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            return line == null ? "" : line.strip();
        } catch (IOException e) {
            // The exception's message names the file only (NoSuchFile, AccessDenied, MalformedInput...).
            throw new ConfigException(origin + " cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + LogText.clean(e.getMessage())), e);
        }
    }

    private static Optional<Bet> envBet(Map<String, String> env) throws ConfigException {
        try {
            return EnvBet.from(env);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    private static void checkDataFile(String dataFile) throws ConfigException {
        if (dataFile.isEmpty()) {
            throw new ConfigException("lottery mode has no bets to send: set data.file (" + DATA_FILE.variable()
                    + ") or the variables " + String.join(", ", EnvBet.VARIABLES));
        }
        Path path = Path.of(dataFile);
        if (BetSource.locate(path).isEmpty()) {
            throw new ConfigException("data.file " + dataFile + " is not a readable file, and no "
                    + String.join(" or ", BetSource.ZIP_NAMES) + " beside it holds " + path.getFileName());
        }
    }

    private static GoDuration nonNegative(String text) {
        GoDuration duration;
        try {
            duration = GoDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a Go duration: " + e.getMessage(), e);
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("is a negative duration");
        }
        return duration;
    }

    private static GoDuration positive(String text) {
        GoDuration duration = nonNegative(text);
        if (duration.nanos() == 0) {
            throw new IllegalArgumentException("is a zero duration");
        }
        return duration;
    }

    private static Mode mode(String text) {
        try {
            return Mode.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not 'lottery' or 'echo'", e);
        }
    }
}

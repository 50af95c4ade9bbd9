package lottery.client;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lottery.client.echo.EchoClient;
import lottery.client.agency.AgencyClient;
import lottery.client.net.AddressResolver;
import lottery.client.net.ClientTransport;
import lottery.common.config.ConfigException;
import lottery.common.lifecycle.SignalExit;
import lottery.common.log.LogText;
import lottery.common.log.Logging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the agency client: {@code java -jar lottery-client.jar [--config PATH] [--help]}. Installs the
 * SIGTERM handling ({@link SignalExit}), reads the config ({@link ClientConfigLoader}), sets the log level and runs
 * the mode. Exit status: 0 done (or stopped by SIGTERM), 1 failed, 2 bad command line or configuration, 3 done but
 * lines of the bets file that are not valid bets were skipped.
 *
 * <p>{@link #run(ClientConfig, StopSignal)} runs a client in-process and returns its status, for tests.
 */
public final class ClientMain {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_CONFIG = 2;

    static {
        // Before anything can look a name up (logging included): the server's host is resolved afresh at each
        // connection attempt, so that failover sees the replicas that are there now (AddressResolver says why).
        AddressResolver.disableJvmDnsCache();
    }

    static final String USAGE = """
            Usage: java -jar lottery-client.jar [--config PATH] [--help]

            The agency client of the Loteria Nacional (TP0). In 'echo' mode it sends loop.amount numbered lines to
            the server and logs the echoes; in 'lottery' mode it sends the bet of NOMBRE..NUMERO, or the bets of
            data.file in batches, then Finish, then asks for the agency's winners.

            --config PATH   the YAML config (default ./config.yaml; when that is absent only the environment counts)
            --help          this text

            Config key        Environment variable   Meaning (default)
            (none)            CLI_ID                 agency number 1..65535 (required)
            server.address    CLI_SERVER_ADDRESS     host:port of the server (required); a host with several
                                                     addresses (server replicas): each is tried in turn
            loop.amount       CLI_LOOP_AMOUNT        echo: how many messages (required)
            loop.period       CLI_LOOP_PERIOD        echo: pause after each message, Go duration e.g. 5s (required)
            log.level         CLI_LOG_LEVEL          TRACE, DEBUG, INFO, WARN or ERROR (required)
            batch.maxAmount   CLI_BATCH_MAXAMOUNT    most bets per batch; frames stay <= 8192 bytes anyway (163)
            mode              CLI_MODE               lottery or echo (lottery)
            data.file         CLI_DATA_FILE          the agency's CSV, "{id}" = the agency number
                                                     (/data/agency-{id}.csv; "" in the file = none)
            connect.timeout   CLI_CONNECT_TIMEOUT    how long to retry the first connection (30s)
            winners.timeout   CLI_WINNERS_TIMEOUT    how long to wait for the winners (60s)
            reconnect.timeout CLI_RECONNECT_TIMEOUT  how long to try to get the session back after a lost
                                                     connection or a busy/stopping server, from the loss (60s)
            auth.secret       CLI_AUTH_SECRET        the agency's secret, sent in the Hello (none)
            auth.secretFile   CLI_AUTH_SECRET_FILE   a file whose first line (trimmed) is the secret (none);
                                                     at most one of auth.secret and auth.secretFile
            tls.ca            CLI_TLS_CA             PEM CA of the server's certificate: TLS on (none: plain)
            tls.cert          CLI_TLS_CERT           the agency's PEM certificate, CN=agency-N (none)
            tls.key           CLI_TLS_KEY            its PKCS#8 PEM key (none; both or neither)
            tls.serverName    CLI_TLS_SERVER_NAME    the name the server's certificate must carry (default:
                                                     the host of server.address)
            NOMBRE, APELLIDO, DOCUMENTO, NACIMIENTO (YYYY-MM-DD), NUMERO: one bet to send instead of data.file.
            Environment variables override the file; empty or blank ones count as unset. Unknown keys, a key
            given twice, lists and values of the wrong type in the file are errors.

            A failed TLS handshake (a certificate the other side does not accept) is not retried: exit 1.
            Exit status: 0 done or stopped by SIGTERM, 1 failed, 2 bad command line or configuration, 3 done but
            lines of the bets file that are not valid bets were skipped (the summary line says how many).
            """;

    private static final Logger LOG = LoggerFactory.getLogger(ClientMain.class);

    private ClientMain() {
    }

    /**
     * Runs the client and ends the process through {@link SignalExit#exit}, whatever happens: a crash (any
     * {@link Throwable}, an {@link Error} included) is logged as one {@code action: run | result: fail} line and ends
     * with status 1 at once, instead of leaving {@code main} and letting the shutdown hook take it for a SIGTERM.
     */
    public static void main(String[] args) {
        // First of all, so that a SIGTERM during start-up (docker stop right after up) is handled too: the run then
        // sees the stop at once.
        SignalExit signalExit = SignalExit.install();
        signalExit.context(logContext("?"));
        StopSignal stop = new StopSignal();
        signalExit.onSignal(stop::request);
        String clientId = "?";
        int status = EXIT_FAILURE;
        try {
            List<String> overrides = new ArrayList<>();
            ClientConfig config = configure(args, System.getenv(), System.out, overrides);
            clientId = Integer.toString(config.id());
            signalExit.context(logContext(clientId));
            Logging.setRootLevel(config.logLevel());
            status = run(config, overrides, stop);
        } catch (StartupExit e) {
            status = e.status();
        } catch (Throwable e) { // the last line of defence: whatever went wrong, the process must end with 1
            status = EXIT_FAILURE;
            logCrash(clientId, e);
        } finally {
            signalExit.exit(status); // even if logging the crash failed too
        }
    }

    /** The client's field in the lines of a stop ({@code action: receive_signal}, {@code action: exit}). */
    private static String logContext(String clientId) {
        return "client_id: " + clientId;
    }

    /** The command line said to stop before running: {@code --help} (status 0) or an error (status 2). */
    static final class StartupExit extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        StartupExit(int status) {
            super("exit " + status);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /**
     * Reads the command line and the config. Prints the usage to {@code out} for {@code --help}; logs one line for
     * an error.
     *
     * @param overrides receives the {@code action: config_override} lines, for {@link #run} to log
     * @throws StartupExit when the program must exit without running
     */
    static ClientConfig configure(String[] args, Map<String, String> env, PrintStream out, List<String> overrides)
            throws StartupExit {
        Path file = ClientConfigLoader.DEFAULT_FILE;
        boolean explicit = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                out.print(USAGE);
                out.flush();
                throw new StartupExit(EXIT_OK);
            } else if (arg.equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
                explicit = true;
            } else if (arg.startsWith("--config=")) {
                file = Path.of(arg.substring("--config=".length()));
                explicit = true;
            } else if (arg.equals("--config")) {
                LOG.error("action: config | result: fail | error: --config needs a file path (see --help)");
                throw new StartupExit(EXIT_CONFIG);
            } else {
                LOG.error("action: config | result: fail | error: unknown argument '{}' (see --help)", arg);
                throw new StartupExit(EXIT_CONFIG);
            }
        }
        try {
            return ClientConfigLoader.load(file, explicit, env, overrides);
        } catch (ConfigException e) {
            LOG.error("action: config | result: fail | error: {}", LogText.clean(e.getMessage()));
            throw new StartupExit(EXIT_CONFIG);
        }
    }

    /**
     * Runs the client described by {@code config} until it is done, fails, or {@code stop} is requested.
     *
     * @return the exit status: {@link #EXIT_OK} or {@link #EXIT_FAILURE}
     */
    public static int run(ClientConfig config, StopSignal stop) {
        return run(config, List.of(), stop);
    }

    /**
     * {@link #run(ClientConfig, StopSignal)}, logging the environment's {@code overrides} of the config file right
     * after the config line, as the server does.
     */
    static int run(ClientConfig config, List<String> overrides, StopSignal stop) {
        LOG.info("action: config | result: success | client_id: {} | server_address: {} | loop_amount: {}"
                        + " | loop_period: {} | log_level: {}", config.id(), config.server(), config.loopAmount(),
                config.loopPeriod(), config.logLevel());
        overrides.forEach(LOG::info);
        LOG.debug("action: config_details | result: success | client_id: {} | mode: {} | batch_max_amount: {}"
                        + " | data_file: {} | single_bet: {} | connect_timeout: {} | winners_timeout: {}"
                        + " | reconnect_timeout: {} | secret: {} | tls: {}",
                config.id(), config.mode(), config.batchMaxAmount(), config.dataFile(), config.singleBet().isPresent(),
                config.connectTimeout(), config.winnersTimeout(), config.reconnectTimeout(), config.secretState(),
                config.tlsState());
        try (ClientTransport transport = new ClientTransport(config.id(), stop, AddressResolver.SYSTEM,
                config.tls())) {
            return switch (config.mode()) {
                case ECHO -> new EchoClient(config, transport, stop).run();
                case LOTTERY -> new AgencyClient(config, transport, stop).run();
            };
        } catch (RuntimeException e) {
            logCrash(Integer.toString(config.id()), e);
            return EXIT_FAILURE;
        }
    }

    /** One line for an unexpected failure; its stack trace only at DEBUG, so the line stays the only one. */
    private static void logCrash(String clientId, Throwable e) {
        LOG.error("action: run | result: fail | client_id: {} | error: {}", clientId, LogText.clean(e.toString()));
        LOG.debug("action: run | result: fail | client_id: {} | stack_trace: follows", clientId, e);
    }
}

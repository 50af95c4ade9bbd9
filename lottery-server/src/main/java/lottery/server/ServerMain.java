package lottery.server;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import lottery.common.config.ConfigException;
import lottery.common.lifecycle.JvmDefaults;
import lottery.common.lifecycle.SignalExit;
import lottery.common.log.LogText;
import lottery.common.log.Logging;
import lottery.server.store.csv.CsvExport;
import lottery.server.store.csv.StorageLock;
import lottery.server.store.postgres.BetsExport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: {@code java -jar lottery-server.jar [--config PATH] [--new-round] [--help]}, and
 * {@code --export-bets FILE} (the store's current round as a {@code bets.csv}, then exit), and
 * {@code --status [--json]} (the store's current round, printed, then exit: {@link StatusCommand}).
 *
 * <p>Exit status: 0 after a graceful stop (SIGTERM) or {@code --help}; 1 when the server cannot start (listen
 * address not resolvable, port in use, bets file not writable, storage locked by another server, round log
 * corrupt, SERVER_SECRETS_FILE unreadable or malformed); 2 for a bad command line or configuration.
 *
 * <p>SIGTERM: the JVM runs shutdown hooks on SIGTERM but then exits with 143, and the course's tests expect 0. The
 * hook ({@link SignalExit}) therefore stops the server gracefully and ends the JVM with status 0, unless the program
 * ended itself ({@link SignalExit#exit}), whose status must stand.
 *
 * <p>Thread context: {@code main} runs {@link #main} (parse, configure, start, wait); the SIGTERM shutdown hook
 * ({@code signal-exit}) calls the server's idempotent stop. No state of its own is shared.
 */
public final class ServerMain {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    static {
        // Before any Netty class loads: its start-up defaults (JvmDefaults says which and why).
        JvmDefaults.apply();
    }

    private static final Logger LOG = LoggerFactory.getLogger(ServerMain.class);
    /**
     * The environment's way to say {@code --new-round} (for containers, whose command line is fixed): true or false.
     * Not a config.ini key on purpose: a setting left in a file would throw away every unfinished round.
     */
    static final String NEW_ROUND_VARIABLE = "SERVER_NEW_ROUND";

    static final String USAGE = """
            Usage: java -jar lottery-server.jar [--config PATH] [--new-round] [--help]
                   java -jar lottery-server.jar [--config PATH] --export-bets FILE
                   java -jar lottery-server.jar [--config PATH] --status [--json]

            The Lotería Nacional server: stores the bets the agencies send (lottery protocol) and echoes text lines,
            both on one TCP port. The draw runs once every agency has sent Finish.

              --config PATH  INI configuration file (default ./config.ini; when that default is missing, only the
                             environment configures the server)
              --new-round    archive the round found in the storage and start a new one, even if its draw has
                             not run (without it a restarted server resumes an unfinished round); the
                             environment variable SERVER_NEW_ROUND=true does the same
              --export-bets FILE  write the store's current round as FILE in the course's bets.csv format (what
                             load_bets reads; rows in the order stored), then exit: with postgres the database's
                             round; with csv a copy of the bets file up to its last whole batch (what a restart
                             keeps), read without the lock, so a running server is not disturbed (0: written; 1:
                             no round, the store cannot be read or FILE written; nothing half-written)
              --status       print the store's current round and exit, without disturbing a running server: the
                             agencies, per agency the bets stored, finished, answered and, once the draw ran, its
                             winners; one line per fact, or "round: none" (0: printed; 1: the store cannot be read)
              --json         with --status: print one JSON document instead of lines
              --help         print this help and exit

            Storage (SERVER_STORE=csv, the default): beside the bets file (SERVER_STORAGE_PATH, e.g. bets.csv) the server keeps bets.csv.round (the
            round log: every batch, finish and the draw, so a restarted server resumes the round where it stopped)
            and bets.csv.lock (held while the server runs: a second server on the same files exits with status 1).
            A round whose draw ran and whose agencies were all sent their winners is archived
            (bets-yyyyMMdd-HHmmss.csv and .csv.round) when the next server starts.

            Configuration file (UTF-8, a strict subset of Python's configparser format): the section header
            [DEFAULT] before any key, then KEY = VALUE (or KEY: VALUE) lines; keys are case-insensitive; blank lines
            and lines starting with # or ; are ignored; no other sections, inline comments, multi-line values or
            empty values. For example:
              [DEFAULT]
              SERVER_PORT = 12345
              SERVER_IP = server
              SERVER_LISTEN_BACKLOG = 8
              LOGGING_LEVEL = DEBUG

            Keys (an environment variable of the same name overrides the file; an empty or blank one counts as
            unset):
              SERVER_PORT                    TCP port, 0..65535 (required)
              SERVER_IP                      address to listen on: an IP literal or a host name, resolved at start
                                             (default 0.0.0.0, every interface)
              SERVER_LISTEN_BACKLOG          accept queue length, 1..65535 (default 1024: 1,000 agencies connecting
                                             at once all get in; Linux caps it at net.core.somaxconn)
              LOGGING_LEVEL                  TRACE, DEBUG, INFO, WARN or ERROR (required)
              SERVER_AGENCIES                agencies the draw waits for (default 5; 0 = no draw, any agency id
                                             accepted)
              SERVER_STORAGE_PATH            bets file, CSV, relative to the working directory (default bets.csv)
              SERVER_IDLE_TIMEOUT_SECONDS    close connections silent this long (default 60; 0 = never)
              SERVER_SHUTDOWN_GRACE_SECONDS  time in-flight requests get on SIGTERM (default 5)
              SERVER_FSYNC                   an Ack waits until the bets are fsynced (group commit: one fsync covers
                                             every batch that arrived meanwhile): true or false (default true)
              SERVER_SECRETS_FILE            file of AGENCY = SECRET lines; HELLO must carry the agency's secret
                                             (default none: agencies are not authenticated; a round started with
                                             secrets is not resumed without them)
              SERVER_MAX_CONNECTIONS         open connections at most; more are refused (default 10000)
              SERVER_HANDSHAKE_TIMEOUT_SECONDS  time a new connection has for its HELLO (default 10; 0 = none)
              SERVER_METRICS_PORT            HTTP port of the ops endpoint on SERVER_IP: /metrics (Prometheus),
                                             /health, /ready, /status.json and the status page / (default none:
                                             off, nothing of it loaded), 0..65535
              SERVER_STORE                   csv (default: the bets file, one server) or postgres (a database
                                             several servers share: any agency may use any of them; the draw runs
                                             once, on whichever server sees every agency finished; docs/SCALING.md)
              SERVER_PG_URL                  with postgres: jdbc:postgresql://HOST:PORT/DATABASE (required; no
                                             password in it). The schema is applied at start (Flyway)
              SERVER_PG_USER                 database user (default postgres)
              SERVER_PG_PASSWORD             its password (default none); never logged
              SERVER_PG_POOL_SIZE            database connections at most, 2..64 (default 4)
              SERVER_PG_BULK                 how a group commit writes its rows: copy or insert (default copy)
              SERVER_PG_OUTAGE_SECONDS       how long a database outage (restart, failover, lost connection) is
                                             ridden through, the Acks waiting, before the waiting agencies get
                                             the retryable DATABASE_UNAVAILABLE, 1..3600 (default 20)
              SERVER_TLS_CERT                the server's certificate chain, PEM: TLS on the lottery port (default
                                             none: TLS off). The echo is still answered in clear on the same port
              SERVER_TLS_KEY                 its private key, PEM PKCS#8 unencrypted (BEGIN PRIVATE KEY), EC or RSA
                                             (required with SERVER_TLS_CERT)
              SERVER_TLS_CLIENT_CA           CA bundle, PEM: agencies prove who they are with a certificate whose
                                             subject is CN=agency-N; the HELLO's agency must be N (default none)
              SERVER_TLS_CLIENT_AUTH         require (default with SERVER_TLS_CLIENT_CA: no certificate, no
                                             handshake) or optional (without one, SERVER_SECRETS_FILE authenticates)
              SERVER_TLS_REVOKED             revoked agency certificates, read at start: one per line, a serial in
                                             hex (0x1A2B) or a SHA-256 fingerprint; # comments (default none)
              SERVER_TLS_ALLOW_PLAIN         with TLS on, accept the plain lottery protocol too: true or false
                                             (default false: refused with ERROR TLS_REQUIRED)
              With postgres, SERVER_FSYNC=false makes commits asynchronous (synchronous_commit off); an Ack
              still waits for the commit. SERVER_STORAGE_PATH is not used, and --new-round starts a new round
              only when the current one already holds bets or finishes (servers started together share one).

            Exit status: 0 stopped by SIGTERM, 1 cannot start (address not resolvable, port in use, bets file not
            writable, storage locked by another server, round log corrupt, SERVER_SECRETS_FILE unreadable or
            malformed or missing for a round started with secrets, a SERVER_TLS_* file unreadable, not PEM, a key
            that is not the certificate's or a bad line of SERVER_TLS_REVOKED; with postgres: the database not reachable
            within 30 s, its schema not applicable, or a new round needed while other servers are on the current
            one), 2 bad arguments or configuration.
            """;

    private ServerMain() {
    }

    /** {@code --export-bets FILE}: see {@link BetsExport} and {@link CsvExport}. */
    private static int export(ServerConfig config, Path file, PrintStream err) {
        if (!config.sharedStore()) {
            try {
                CsvExport.Exported exported = CsvExport.export(config.storagePath(), file);
                LOG.info("action: export_bets | result: success | from: {} | bets: {} | file: {}",
                        LogText.clean(config.storagePath().toString()), exported.bets(),
                        LogText.clean(file.toString()));
                return EXIT_OK;
            } catch (IOException | RuntimeException e) {
                LOG.error("action: export_bets | result: fail | file: {} | error: {}", LogText.clean(file.toString()),
                        LogText.clean(LogText.describe(e)));
                return EXIT_FAILURE;
            }
        }
        try {
            BetsExport.Exported exported = BetsExport.export(config.postgres(), file);
            LOG.info("action: export_bets | result: success | round: {} | bets: {} | file: {}", exported.round(),
                    exported.bets(), LogText.clean(file.toString()));
            return EXIT_OK;
        } catch (IOException | RuntimeException e) {
            LOG.error("action: export_bets | result: fail | file: {} | error: {}", LogText.clean(file.toString()),
                    LogText.clean(LogText.describe(e)));
            return EXIT_FAILURE;
        }
    }

    public static void main(String[] args) {
        // First of all, so that a SIGTERM during start-up (docker stop right after up) still exits 0.
        SignalExit signalExit = SignalExit.install();
        // UTF-8 whatever the locale (containers have none), like the log lines.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int status = EXIT_FAILURE;
        try {
            status = run(args, System.getenv(), out, err, signalExit::onSignal);
        } catch (RuntimeException | Error e) {
            // A crash ends with status 1 through exit below, never mistaken for a SIGTERM by the hook.
            LOG.error("action: run | result: fail | error: {}", LogText.clean(e.toString()));
            LOG.debug("action: run | result: fail | stack_trace: follows", e);
        } finally {
            signalExit.exit(status);
        }
    }

    /**
     * Runs the server until it is stopped, or returns at once on {@code --help} and on errors.
     *
     * @param onSignal takes the server's stop once the server has started, for a SIGTERM to run
     *                 ({@link SignalExit#onSignal}: at once when the signal came during start-up)
     * @return the process exit status
     */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err,
                   Consumer<Runnable> onSignal) {
        Path configFile = ConfigLoader.DEFAULT_FILE;
        boolean explicitConfig = false;
        boolean newRound = false;
        Path exportFile = null;
        boolean status = false;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                out.print(USAGE);
                return EXIT_OK;
            } else if (args[i].equals("--new-round")) {
                newRound = true;
            } else if (args[i].equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
                explicitConfig = true;
            } else if (args[i].equals("--export-bets") && i + 1 < args.length) {
                exportFile = Path.of(args[++i]);
            } else if (args[i].equals("--status")) {
                status = true;
            } else if (args[i].equals("--json")) {
                json = true;
            } else if (args[i].equals("--export-bets")) {
                err.println("action: config | result: fail | error: --export-bets needs a file path (try --help)");
                return EXIT_USAGE;
            } else if (args[i].equals("--config")) {
                err.println("action: config | result: fail | error: --config needs a file path (try --help)");
                return EXIT_USAGE;
            } else {
                err.println("action: config | result: fail | error: unknown argument '" + args[i]
                        + "' (try --help)");
                return EXIT_USAGE;
            }
        }
        String conflict = json && !status ? "--json goes with --status"
                : status && exportFile != null ? "--status and --export-bets are two commands: give one"
                : status && newRound ? "--status reads the round and changes nothing: it takes no --new-round"
                : null;
        if (conflict != null) {
            err.println("action: config | result: fail | error: " + conflict + " (try --help)");
            return EXIT_USAGE;
        }
        String newRoundVariable = env.getOrDefault(NEW_ROUND_VARIABLE, "").strip().toLowerCase(Locale.ROOT);
        if (newRoundVariable.equals("true")) {
            newRound = true;
        } else if (!newRoundVariable.isEmpty() && !newRoundVariable.equals("false")) {
            err.println("action: config | result: fail | error: " + NEW_ROUND_VARIABLE + " must be true or false, not '"
                    + LogText.clean(env.get(NEW_ROUND_VARIABLE)) + "'");
            return EXIT_USAGE;
        }
        ServerConfig config;
        List<String> overrides = new ArrayList<>();
        try {
            config = ConfigLoader.load(configFile, explicitConfig, env, overrides);
        } catch (ConfigException e) {
            err.println("action: config | result: fail | error: " + LogText.clean(e.getMessage()));
            return EXIT_USAGE;
        }
        Logging.setRootLevel(config.loggingLevel());
        if (exportFile != null) {
            return export(config, exportFile, err);
        }
        if (status) {
            return StatusCommand.run(config, json, out, err);
        }
        LOG.info(config.logLine());
        overrides.forEach(LOG::info);
        LOG.info(config.detailsLine());
        if (config.sharedStore()) {
            // Only then: with the CSV store the log stays line for line what it was (SERVER_STORAGE_PATH is above).
            LOG.info(config.storeLine());
        }
        LotteryServer server = new LotteryServer(config, newRound);
        try {
            server.start();
        } catch (StorageLock.Locked e) {
            // Logged by the server as action: lock_storage: one line is enough.
            return EXIT_FAILURE;
        } catch (IOException | RuntimeException e) {
            LOG.error("action: start_server | result: fail | error: {}", LogText.clean(LogText.describe(e)));
            return EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.stop();
            return EXIT_FAILURE;
        }
        // Only a started server is handed over: a signal during start-up stops it here, once it is whole, so every
        // resource it opened is closed and logged.
        onSignal.accept(server::stop);
        try {
            server.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.stop();
        }
        return EXIT_OK;
    }
}

package lottery.loadgen;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The load generator's command line. Every option has a default except {@code --server}.
 *
 * @param servers        the servers, at least one; agency k talks to {@code servers[(k - 1) mod servers.size()]}
 * @param firstAgency    first agency driven (inclusive)
 * @param lastAgency     last agency driven (inclusive)
 * @param bets           bets per agency
 * @param batchMax       most bets per batch (frames stay within 8192 bytes anyway)
 * @param seed           seed of the bets
 * @param inFlight       batches sent and not yet acknowledged, per agency, at most
 * @param secretsFile    {@code AGENCY = SECRET} lines, or {@code null}: no secrets
 * @param outDir         where expected.csv and winners.txt go
 * @param timeoutSeconds the whole run's budget, reconnections included
 * @param winnerPermille bets in 1000 that play the winning number
 * @param paceMillis     at least this long between two batches of one agency (0: no pacing)
 * @param serverPids     the servers' process ids, whose CPU (summed) and peak RSS (the largest) the report shows
 *                       (empty: none)
 * @param ceilingsDir    measure the loopback and disk ceilings after the run, the disk one in this directory
 *                       ({@code null}: no ceilings)
 * @param ceilingFsync   whether the disk ceiling forces its writes (as a server with SERVER_FSYNC=true does)
 * @param jsonFile       where the report's JSON goes besides stdout ({@code null}: stdout only)
 * @param connectWindow  first connection attempts in progress at once, at most (0: every agency at once)
 * @param rowsOnly       only write {@code expected.csv} and stop: no server (the scale benchmark's COPY ceiling)
 * @param tls            the agencies' TLS, or {@code null}: plain
 */
public record LoadGenOptions(List<ServerAddress> servers, int firstAgency, int lastAgency, int bets, int batchMax,
                             long seed, int inFlight, Path secretsFile, Path outDir, int timeoutSeconds,
                             int winnerPermille, int paceMillis, List<Long> serverPids, Path ceilingsDir,
                             boolean ceilingFsync, Path jsonFile, int connectWindow, boolean rowsOnly, Tls tls) {

    /**
     * {@code --tls-ca}, {@code --tls-cert-dir}, {@code --tls-server-name}.
     *
     * @param ca         the CA certificate(s) the server's certificate must chain to
     * @param certDir    where agency K's {@code agency-K.pem} and {@code agency-K.key} are, or {@code null}: the
     *                   agencies send no certificate
     * @param serverName the name the server's certificate must carry, or {@code null}: the host of its --server
     */
    public record Tls(Path ca, Path certDir, String serverName) {
        public Tls {
            check(ca != null, "--tls-cert-dir and --tls-server-name need --tls-ca");
            check(serverName == null || !serverName.isBlank(), "--tls-server-name is empty");
        }
    }

    /**
     * One server of {@code --server}.
     *
     * @param host its host name or address
     * @param port its port
     */
    public record ServerAddress(String host, int port) {
        public ServerAddress {
            check(!host.isEmpty(), "a server host is empty");
            check(port >= 1 && port <= 65535, "port " + port + " is not in 1..65535");
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** Below the server's default listen backlog (1024), so a start of many agencies does not overflow it. */
    static final int DEFAULT_CONNECT_WINDOW = 512;

    static final String USAGE = """
            Usage: java -jar lottery-loadgen.jar --server HOST:PORT[,HOST:PORT...] [options]

            Drives synthetic agencies over the lottery protocol from one process: for each agency HELLO, its
            batches (seq 1, 2, 3..., resuming after the HELLO Ack's last stored seq), FINISH (its stored count must
            equal the bets sent), WINNERS_QUERY. A lost connection, AGENCY_BUSY, SHUTTING_DOWN, IDLE_TIMEOUT,
            HANDSHAKE_TIMEOUT or TOO_MANY_CONNECTIONS: reconnect (backoff 100 ms doubling to 2 s) and resume.

              --server HOST:PORT      the server (required); several servers sharing one lottery (a common
                                      database): HOST:PORT,HOST:PORT,... and agency k talks to the server
                                      number ((k - 1) mod count) + 1 of the list, reconnections included
                                      (agency 1 to the first, 2 to the second...); the report then lists
                                      the servers with their agencies and bets/s
              --agencies FIRST..LAST  agencies to drive, or one number (default 1..1)
              --bets N                bets per agency (default 1000; at most 999999)
              --batch-max K           most bets per batch (default 163)
              --seed S                seed of the bets: same seed, same bets, byte for byte (default 1)
              --in-flight W           unacknowledged batches per agency at most (default 8)
              --winner-permille P     bets in 1000 that play the winning number 7574 (default 5)
              --pace-ms D             at least D ms between two batches of one agency (default 0: no pacing;
                                      stretches a run, e.g. so that the chaos test's kills fall in the ingest)
              --secrets FILE          AGENCY = SECRET lines (# comments); agencies not listed send no secret
              --out DIR               writes DIR/expected.csv (every bet, in the server's bets.csv row format)
                                      and DIR/winners.txt (AGENCY COUNT per agency that got its winners)
                                      (default .)
              --timeout-seconds T     the whole run's budget (default 300)
              --server-pid PID        the server's process id: the report adds its CPU seconds during the run
                                      and its peak resident memory (Linux /proc); PID,PID,... for several
                                      server processes: server_cpu_s is their sum, server_peak_rss_mb the
                                      largest, and server_cpu_s_each / server_peak_rss_mb_each give each
              --ceilings DIR          after a successful run, measure in the same process (a) the loopback
                                      ceiling: the same frames, same window, to a discard server that Acks
                                      without decoding, and (b) the disk ceiling: the same rows appended by a
                                      trivial writer in DIR (put it on the server's disk), forced by a group-
                                      commit thread; the report gives the run's bets/s as a fraction of
                                      min(a, b)
              --ceiling-fsync BOOL    whether the disk ceiling forces its writes (default true; pass false when
                                      the server runs with SERVER_FSYNC=false)
              --json FILE             also write the report's JSON to FILE
              --connect-window N      at most N agencies' first connection attempts in progress at once; each
                                      one that ends starts the next agency (default 512, below the server's
                                      listen backlog of 1024: more SYNs at once than the backlog holds are
                                      dropped by the kernel and retried 1 s, 3 s... later); 0 = all at once
              --rows-only             only write --out DIR/expected.csv (the bets the agencies would send, as
                                      chosen by --agencies, --bets, --seed, --winner-permille) and exit 0;
                                      no server, --server not needed (tools/bench/scale.sh COPYs them into
                                      PostgreSQL as its ceiling)
              --tls-ca FILE           TLS on: the agencies verify the server's certificate against the PEM
                                      CA(s) of FILE and its name (the host of --server, or --tls-server-name)
              --tls-cert-dir DIR      mutual TLS (with --tls-ca): agency K proves its identity with
                                      DIR/agency-K.pem and DIR/agency-K.key (PKCS#8), the layout of
                                      generar-compose.sh --tls in .secrets/tls/; every file is read before the
                                      run (a missing or bad one: exit 2). The --ceilings loopback ceiling stays
                                      plain
              --tls-server-name NAME  the name the server's certificate must carry (default: the host of
                                      --server)
              --help                  this text

            Report (stdout, at the end): a table and the same figures as one JSON line. bets_per_s = bets / ingest_s,
            ingest_s = from the first connection to the last batch Ack; ack_* = batch send to its Ack (p50, p99,
            max; exact, nearest rank); first_ack_* = start to each agency's first Ack; draw_wait_s = the last
            batch Ack to the last agency's winners (FINISHes, draw, answers); total_s = start to the last winners.

            Exit status: 0 every agency's FINISH count matched and it got its winners (as many as its bets on
            7574), 1 otherwise, 2 bad command line.
            """;

    public LoadGenOptions {
        servers = List.copyOf(servers);
        serverPids = List.copyOf(serverPids);
        check(!servers.isEmpty(), "--server needs at least one HOST:PORT");
        check(firstAgency >= 1 && lastAgency <= 65535 && firstAgency <= lastAgency,
                "agencies " + firstAgency + ".." + lastAgency + " are not a range within 1..65535");
        check(bets >= 0 && bets < BetPlan.DOCUMENT_BASE, "--bets " + bets + " is not in 0..999999");
        check(batchMax >= 1 && batchMax <= 65535, "--batch-max " + batchMax + " is not in 1..65535");
        check(inFlight >= 1, "--in-flight must be at least 1");
        check(timeoutSeconds >= 1, "--timeout-seconds must be at least 1");
        check(winnerPermille >= 0 && winnerPermille <= 1000, "--winner-permille is not in 0..1000");
        check(paceMillis >= 0, "--pace-ms must not be negative");
        check(serverPids.stream().allMatch(pid -> pid > 0), "--server-pid must be positive");
        check(connectWindow >= 0, "--connect-window must not be negative");
    }

    /** Plain agencies (no TLS). */
    public LoadGenOptions(List<ServerAddress> servers, int firstAgency, int lastAgency, int bets, int batchMax,
                          long seed, int inFlight, Path secretsFile, Path outDir, int timeoutSeconds,
                          int winnerPermille, int paceMillis, List<Long> serverPids, Path ceilingsDir,
                          boolean ceilingFsync, Path jsonFile, int connectWindow, boolean rowsOnly) {
        this(servers, firstAgency, lastAgency, bets, batchMax, seed, inFlight, secretsFile, outDir, timeoutSeconds,
                winnerPermille, paceMillis, serverPids, ceilingsDir, ceilingFsync, jsonFile, connectWindow, rowsOnly,
                null);
    }

    /** The same options with the agencies' TLS {@code newTls}. */
    public LoadGenOptions withTls(Tls newTls) {
        return new LoadGenOptions(servers, firstAgency, lastAgency, bets, batchMax, seed, inFlight, secretsFile,
                outDir, timeoutSeconds, winnerPermille, paceMillis, serverPids, ceilingsDir, ceilingFsync, jsonFile,
                connectWindow, rowsOnly, newTls);
    }

    /** Options that drive servers (not {@code --rows-only}). */
    public LoadGenOptions(List<ServerAddress> servers, int firstAgency, int lastAgency, int bets, int batchMax,
                          long seed, int inFlight, Path secretsFile, Path outDir, int timeoutSeconds,
                          int winnerPermille, int paceMillis, List<Long> serverPids, Path ceilingsDir,
                          boolean ceilingFsync, Path jsonFile, int connectWindow) {
        this(servers, firstAgency, lastAgency, bets, batchMax, seed, inFlight, secretsFile, outDir, timeoutSeconds,
                winnerPermille, paceMillis, serverPids, ceilingsDir, ceilingFsync, jsonFile, connectWindow, false);
    }

    /** One server, without a server pid, ceilings or JSON file (tests and older callers). */
    public LoadGenOptions(String host, int port, int firstAgency, int lastAgency, int bets, int batchMax, long seed,
                          int inFlight, Path secretsFile, Path outDir, int timeoutSeconds, int winnerPermille,
                          int paceMillis) {
        this(List.of(new ServerAddress(host, port)), firstAgency, lastAgency, bets, batchMax, seed, inFlight,
                secretsFile, outDir, timeoutSeconds, winnerPermille, paceMillis, List.of(), null, true, null,
                DEFAULT_CONNECT_WINDOW);
    }

    /** The server agency {@code agency} talks to: number {@code (agency - 1) mod count} of the list (from 0). */
    int serverIndex(int agency) {
        return Math.floorMod(agency - 1, servers.size());
    }

    ServerAddress serverOf(int agency) {
        return servers.get(serverIndex(agency));
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    int agencyCount() {
        return lastAgency - firstAgency + 1;
    }

    /** Parses the command line; {@code null} means {@code --help}. */
    static LoadGenOptions parse(List<String> args) {
        String server = null;
        int first = 1;
        int last = 1;
        int bets = 1000;
        int batchMax = 163;
        long seed = 1;
        int inFlight = 8;
        Path secrets = null;
        Path out = Path.of(".");
        int timeout = 300;
        int permille = 5;
        int pace = 0;
        List<Long> serverPids = List.of();
        Path ceilings = null;
        boolean ceilingFsync = true;
        Path json = null;
        int connectWindow = DEFAULT_CONNECT_WINDOW;
        boolean rowsOnly = false;
        Path tlsCa = null;
        Path tlsCertDir = null;
        String tlsServerName = null;
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (option.equals("--help")) {
                return null;
            }
            if (option.equals("--rows-only")) {
                rowsOnly = true;
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("unknown option or missing value: " + option);
            }
            String value = args.get(++i);
            switch (option) {
                case "--server" -> server = value;
                case "--agencies" -> {
                    int dots = value.indexOf("..");
                    first = number(option, dots < 0 ? value : value.substring(0, dots));
                    last = dots < 0 ? first : number(option, value.substring(dots + 2));
                }
                case "--bets" -> bets = number(option, value);
                case "--batch-max" -> batchMax = number(option, value);
                case "--seed" -> seed = longNumber(option, value);
                case "--in-flight" -> inFlight = number(option, value);
                case "--winner-permille" -> permille = number(option, value);
                case "--pace-ms" -> pace = number(option, value);
                case "--secrets" -> secrets = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--timeout-seconds" -> timeout = number(option, value);
                case "--server-pid" -> serverPids = pids(option, value);
                case "--ceilings" -> ceilings = Path.of(value);
                case "--ceiling-fsync" -> ceilingFsync = bool(option, value);
                case "--json" -> json = Path.of(value);
                case "--connect-window" -> connectWindow = number(option, value);
                case "--tls-ca" -> tlsCa = Path.of(value);
                case "--tls-cert-dir" -> tlsCertDir = Path.of(value);
                case "--tls-server-name" -> tlsServerName = value;
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (server == null && !rowsOnly) {
            throw new IllegalArgumentException("--server HOST:PORT is required");
        }
        return new LoadGenOptions(servers(server == null ? "127.0.0.1:1" : server), first, last, bets, batchMax, seed,
                inFlight, secrets, out, timeout, permille, pace, serverPids, ceilings, ceilingFsync, json,
                connectWindow, rowsOnly,
                tlsCa == null && tlsCertDir == null && tlsServerName == null ? null
                        : new Tls(tlsCa, tlsCertDir, tlsServerName));
    }

    /** {@code HOST:PORT[,HOST:PORT...]}, in order (a server may be listed twice: it then gets two shares). */
    static List<ServerAddress> servers(String value) {
        List<ServerAddress> servers = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            String address = item.trim();
            int colon = address.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--server " + address + " is not HOST:PORT");
            }
            servers.add(new ServerAddress(address.substring(0, colon),
                    number("--server port", address.substring(colon + 1))));
        }
        return servers;
    }

    private static List<Long> pids(String option, String value) {
        List<Long> pids = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            long pid = longNumber(option, item);
            if (pid > 0) {
                pids.add(pid);
            } else if (pid < 0) {
                throw new IllegalArgumentException(option + " " + item + " must not be negative");
            }
        }
        return pids;
    }

    private static boolean bool(String option, String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(option + " " + value + " is not true or false");
        };
    }

    private static int number(String option, String value) {
        return Math.toIntExact(longNumber(option, value));
    }

    private static long longNumber(String option, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(option + " " + value + " is not a number");
        }
    }
}

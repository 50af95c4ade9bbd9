package lottery.loadgen;

import java.nio.file.Path;
import java.util.List;

/**
 * The load generator's command line. Every option has a default except {@code --server}.
 *
 * @param host           server host
 * @param port           server port
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
 */
public record LoadGenOptions(String host, int port, int firstAgency, int lastAgency, int bets, int batchMax, long seed,
                             int inFlight, Path secretsFile, Path outDir, int timeoutSeconds, int winnerPermille,
                             int paceMillis) {

    static final String USAGE = """
            Usage: java -jar lottery-loadgen.jar --server HOST:PORT [options]

            Drives synthetic agencies over the lottery protocol from one process: for each agency HELLO, its
            batches (seq 1, 2, 3..., resuming after the HELLO Ack's last stored seq), FINISH (its stored count must
            equal the bets sent), WINNERS_QUERY. A lost connection, AGENCY_BUSY, SHUTTING_DOWN, IDLE_TIMEOUT,
            HANDSHAKE_TIMEOUT or TOO_MANY_CONNECTIONS: reconnect (backoff 100 ms doubling to 2 s) and resume.

              --server HOST:PORT      the server (required)
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
              --help                  this text

            Exit status: 0 every agency's FINISH count matched and it got its winners (as many as its bets on
            7574), 1 otherwise, 2 bad command line.
            """;

    public LoadGenOptions {
        check(port >= 1 && port <= 65535, "port " + port + " is not in 1..65535");
        check(firstAgency >= 1 && lastAgency <= 65535 && firstAgency <= lastAgency,
                "agencies " + firstAgency + ".." + lastAgency + " are not a range within 1..65535");
        check(bets >= 0 && bets < BetPlan.DOCUMENT_BASE, "--bets " + bets + " is not in 0..999999");
        check(batchMax >= 1 && batchMax <= 65535, "--batch-max " + batchMax + " is not in 1..65535");
        check(inFlight >= 1, "--in-flight must be at least 1");
        check(timeoutSeconds >= 1, "--timeout-seconds must be at least 1");
        check(winnerPermille >= 0 && winnerPermille <= 1000, "--winner-permille is not in 0..1000");
        check(paceMillis >= 0, "--pace-ms must not be negative");
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
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (option.equals("--help")) {
                return null;
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
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (server == null) {
            throw new IllegalArgumentException("--server HOST:PORT is required");
        }
        int colon = server.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--server " + server + " is not HOST:PORT");
        }
        return new LoadGenOptions(server.substring(0, colon), number("--server port", server.substring(colon + 1)),
                first, last, bets, batchMax, seed, inFlight, secrets, out, timeout, permille, pace);
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

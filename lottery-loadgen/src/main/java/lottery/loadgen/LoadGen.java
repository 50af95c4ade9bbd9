package lottery.loadgen;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import lottery.common.log.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every agency of the options at once on one event loop group, writes {@code expected.csv} first (every bet
 * the agencies send) and {@code winners.txt} at the end, and logs progress every {@code progressEvery} until every
 * agency is done or failed, or the deadline passes. Threads: the caller waits; the agencies run on the loops.
 */
public final class LoadGen {
    /**
     * How a run ended.
     *
     * @param agencies       agencies driven
     * @param succeeded      agencies whose FINISH count matched and that got as many winners as they bet on 7574
     * @param betsAcked      bets acknowledged (or reported stored by a HELLO Ack)
     * @param winners        winners received per agency that got them
     * @param failures       why each failed agency failed
     * @param reconnects     connection attempts after the first one, over every agency
     */
    public record Result(int agencies, int succeeded, long betsAcked, Map<Integer, Integer> winners,
                         Map<Integer, String> failures, int reconnects) {
        public boolean success() {
            return succeeded == agencies;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LoadGen.class);

    private LoadGen() {
    }

    /** The agencies' plans: secrets from the file (if any), bets from the seed. */
    static List<AgencyPlan> plans(LoadGenOptions options) throws IOException {
        Map<Integer, String> secrets = options.secretsFile() == null ? Map.of() : readSecrets(options.secretsFile());
        List<AgencyPlan> plans = new ArrayList<>();
        for (int agency = options.firstAgency(); agency <= options.lastAgency(); agency++) {
            plans.add(AgencyPlan.of(agency, secrets.getOrDefault(agency, ""),
                    BetPlan.bets(options.seed(), agency, options.bets(), options.winnerPermille()), options.batchMax()));
        }
        return plans;
    }

    /** Reads {@code AGENCY = SECRET} lines ({@code #} comments and blank lines skipped), as the server does. */
    static Map<Integer, String> readSecrets(Path file) throws IOException {
        Map<Integer, String> secrets = new HashMap<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNumber++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            int eq = text.indexOf('=');
            try {
                secrets.put(Integer.parseInt(text.substring(0, Math.max(eq, 0)).strip()), text.substring(eq + 1).strip());
            } catch (NumberFormatException e) {
                throw new IOException(file + " line " + lineNumber + ": not AGENCY = SECRET");
            }
        }
        return secrets;
    }

    public static Result run(LoadGenOptions options, Duration progressEvery) throws IOException, InterruptedException {
        List<AgencyPlan> plans = plans(options);
        Files.createDirectories(options.outDir());
        StringBuilder expected = new StringBuilder();
        plans.forEach(plan -> plan.appendRows(expected));
        Files.writeString(options.outDir().resolve("expected.csv"), expected, StandardCharsets.UTF_8);

        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(options.timeoutSeconds());
        LatencyStats latency = new LatencyStats();
        AtomicLong betsAcked = new AtomicLong();
        AtomicInteger ended = new AtomicInteger();
        CountDownLatch allEnded = new CountDownLatch(plans.size());
        // The first agency that failed for good (a wrong secret, a count mismatch...): the draw waits for every
        // agency, so the others can never get their winners; the run ends at once instead of at its deadline.
        AtomicReference<AgencyRun> firstFailure = new AtomicReference<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        List<AgencyRun> runs = new ArrayList<>();
        try {
            for (AgencyPlan plan : plans) {
                AgencyRun run = new AgencyRun(plan, group.next(), options.host(), options.port(), options.inFlight(),
                        options.paceMillis(), deadline, latency, betsAcked, r -> {
                            if (r.phase() == AgencyRun.Phase.FAILED && firstFailure.compareAndSet(null, r)) {
                                LOG.error("action: agency | result: fail | agency: {} | error: {}",
                                        r.plan().agency(), r.failure());
                            }
                            ended.incrementAndGet();
                            allEnded.countDown();
                        });
                runs.add(run);
                run.start();
            }
            while (!allEnded.await(Math.min(progressEvery.toNanos(), Math.max(1, deadline - System.nanoTime())),
                    TimeUnit.NANOSECONDS)) {
                AgencyRun failed = firstFailure.get();
                if (failed != null) {
                    runs.forEach(run -> run.abort("agency " + failed.plan().agency()
                            + " failed, so the draw cannot run"));
                    allEnded.await(5, TimeUnit.SECONDS);
                    break;
                }
                if (System.nanoTime() - deadline >= 0) {
                    runs.forEach(run -> run.abort("timed out after " + options.timeoutSeconds() + " s in phase "
                            + run.phase()));
                    allEnded.await(5, TimeUnit.SECONDS);
                    break;
                }
                LOG.info("action: loadgen | result: in_progress | agencies_done: {}/{} | bets_acked: {}",
                        ended.get(), plans.size(), betsAcked.get());
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        return finish(options, runs, betsAcked.get(), latency, System.nanoTime() - start);
    }

    private static Result finish(LoadGenOptions options, List<AgencyRun> runs, long betsAcked, LatencyStats latency,
                                 long elapsedNanos) throws IOException {
        Map<Integer, Integer> winners = new HashMap<>();
        Map<Integer, String> failures = new HashMap<>();
        StringBuilder winnersText = new StringBuilder();
        int reconnects = 0;
        for (AgencyRun run : runs) {
            int agency = run.plan().agency();
            reconnects += run.reconnects();
            if (run.winners() >= 0) {
                winners.put(agency, run.winners());
                winnersText.append(agency).append(' ').append(run.winners()).append('\n');
            }
            String failure = run.failure();
            if (failure == null && run.phase() != AgencyRun.Phase.DONE) {
                failure = "not done (phase " + run.phase() + ")";
            }
            if (failure == null && run.winners() != run.plan().expectedWinners()) {
                failure = "got " + run.winners() + " winners, bet " + run.plan().expectedWinners() + " times on "
                        + BetPlan.WINNING_NUMBER;
            }
            if (failure != null) {
                failures.put(agency, failure);
                LOG.error("action: agency | result: fail | agency: {} | error: {}", agency, LogText.clean(failure));
            }
        }
        Files.writeString(options.outDir().resolve("winners.txt"), winnersText, StandardCharsets.UTF_8);
        Result result = new Result(runs.size(), runs.size() - failures.size(), betsAcked, winners, failures,
                reconnects);
        long bets = (long) options.bets() * runs.size();
        LOG.info("action: loadgen | result: {} | agencies_done: {}/{} | bets: {} | bets_acked: {} | reconnects: {} | {}"
                        + " | seconds: {}", result.success() ? "success" : "fail", result.succeeded(), runs.size(),
                bets, betsAcked, reconnects, latency.summary(),
                String.format(java.util.Locale.ROOT, "%.1f", elapsedNanos / 1e9));
        return result;
    }
}

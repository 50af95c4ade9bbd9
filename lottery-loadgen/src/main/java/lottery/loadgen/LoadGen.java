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
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
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
     * @param report         the run's figures (with the ceilings when they were measured)
     */
    public record Result(int agencies, int succeeded, long betsAcked, Map<Integer, Integer> winners,
                         Map<Integer, String> failures, int reconnects, Report report) {
        public boolean success() {
            return succeeded == agencies;
        }

        Result withReport(Report newReport) {
            return new Result(agencies, succeeded, betsAcked, winners, failures, reconnects, newReport);
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

    /** Writes {@code expected.csv}: every bet of the plans, in the server's bets.csv row format. */
    static void writeExpected(LoadGenOptions options, List<AgencyPlan> plans) throws IOException {
        Files.createDirectories(options.outDir());
        StringBuilder expected = new StringBuilder();
        plans.forEach(plan -> plan.appendRows(expected));
        Files.writeString(options.outDir().resolve("expected.csv"), expected, StandardCharsets.UTF_8);
    }

    public static Result run(LoadGenOptions options, Duration progressEvery) throws IOException, InterruptedException {
        return run(options, AgencyTls.load(options), progressEvery);
    }

    /** Runs with the TLS read from the options' files ({@code null}: plain). */
    static Result run(LoadGenOptions options, AgencyTls tls, Duration progressEvery)
            throws IOException, InterruptedException {
        List<AgencyPlan> plans = plans(options);
        writeExpected(options, plans);

        List<Optional<ProcessStats>> serversBefore = serverStats(options);
        Optional<ProcessStats> selfBefore = ProcessStats.self();
        Drive drive = drive(plans, options::serverOf, tls, options, false, progressEvery);
        List<Optional<ProcessStats>> serversAfter = serverStats(options);
        Optional<ProcessStats> selfAfter = ProcessStats.self();
        List<Report.ServerUse> each = serverUse(serversBefore, serversAfter);
        Report.ServerUse server = each == null ? null : Report.ServerUse.total(each);
        double generatorCpu = selfBefore.isPresent() && selfAfter.isPresent()
                ? selfAfter.get().cpuSeconds() - selfBefore.get().cpuSeconds() : 0;
        Result result = finish(options, drive, server, each == null || each.size() < 2 ? List.of() : each,
                generatorCpu);
        if (options.ceilingsDir() != null && result.success()) {
            LOG.info("action: ceilings | result: in_progress | loopback: discard server | disk: {} | fsync: {}",
                    options.ceilingsDir(), options.ceilingFsync());
            double loopback = loopbackCeiling(plans, options, progressEvery);
            double disk = DiskCeiling.betsPerSecond(plans, options.ceilingsDir(), options.ceilingFsync());
            result = result.withReport(result.report().withCeilings(loopback, disk));
        }
        return result;
    }

    /**
     * The loopback ceiling: the same plans, same window, against a {@link DiscardServer} in this process, up to the
     * last batch Ack; bets per second.
     *
     * @throws IOException when an agency did not get every batch acknowledged
     */
    static double loopbackCeiling(List<AgencyPlan> plans, LoadGenOptions options, Duration progressEvery)
            throws IOException, InterruptedException {
        Drive loopback;
        try (DiscardServer discard = new DiscardServer()) {
            LoadGenOptions.ServerAddress address = new LoadGenOptions.ServerAddress("127.0.0.1", discard.port());
            loopback = drive(plans, agency -> address, null, options, true, progressEvery);
        }
        long bets = plans.stream().mapToLong(AgencyPlan::totalBets).sum();
        if (loopback.betsAcked() != bets) {
            throw new IOException("the loopback ceiling's discard server acknowledged " + loopback.betsAcked()
                    + " of " + bets + " bets");
        }
        return loopback.betsPerSecond();
    }

    private static List<Optional<ProcessStats>> serverStats(LoadGenOptions options) {
        return options.serverPids().stream().map(ProcessStats::of).toList();
    }

    /** Each server process's CPU during the run and peak RSS, or {@code null} when none or one could not be read. */
    static List<Report.ServerUse> serverUse(List<Optional<ProcessStats>> before, List<Optional<ProcessStats>> after) {
        if (before.isEmpty() || before.size() != after.size()) {
            return null;
        }
        List<Report.ServerUse> each = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            if (before.get(i).isEmpty() || after.get(i).isEmpty()) {
                return null;
            }
            ProcessStats start = before.get(i).get();
            ProcessStats end = after.get(i).get();
            each.add(new Report.ServerUse(end.cpuSeconds() - start.cpuSeconds(), end.peakRssKb() / 1024.0,
                    Report.ServerUse.threadsDuring(start, end)));
        }
        return each;
    }

    /**
     * The agencies' runs of one drive, and its clock.
     *
     * @param startNanos when the first agency started connecting
     * @param endNanos   when every agency had ended
     */
    private record Drive(List<AgencyRun> runs, long betsAcked, LatencyStats latency, LatencyStats firstAcks,
                         long startNanos, long endNanos) {
        /** When the last batch Ack of all came. */
        long ingestDoneNanos() {
            return runs.stream().mapToLong(AgencyRun::ingestDoneNanos).max().orElse(startNanos);
        }

        double ingestSeconds() {
            return Math.max(1, ingestDoneNanos() - startNanos) / 1e9;
        }

        double betsPerSecond() {
            return betsAcked / ingestSeconds();
        }
    }

    /**
     * Runs every plan at once, each against its server, until each agency is done or failed, or the deadline.
     *
     * @param serverOf   the server of an agency (by its number); a reconnection goes to the same server
     * @param tls        the agencies' TLS, or {@code null}: plain
     * @param ingestOnly agencies stop at their last batch Ack (the loopback ceiling)
     */
    private static Drive drive(List<AgencyPlan> plans, IntFunction<LoadGenOptions.ServerAddress> serverOf,
                               AgencyTls tls, LoadGenOptions options, boolean ingestOnly, Duration progressEvery)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(options.timeoutSeconds());
        LatencyStats latency = new LatencyStats();
        LatencyStats firstAcks = new LatencyStats();
        AtomicLong betsAcked = new AtomicLong();
        AtomicInteger ended = new AtomicInteger();
        CountDownLatch allEnded = new CountDownLatch(plans.size());
        // The first agency that failed for good (a wrong secret, a count mismatch...): the draw waits for every
        // agency, so the others can never get their winners; the run ends at once instead of at its deadline.
        AtomicReference<AgencyRun> firstFailure = new AtomicReference<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        List<AgencyRun> runs = new ArrayList<>();
        // At most connectWindow first connection attempts at once: each one that ends starts the next agency.
        java.util.Queue<AgencyRun> waiting = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Runnable startNext = new Runnable() {
            @Override
            public void run() {
                AgencyRun next = waiting.poll();
                if (next != null) {
                    next.start(this);
                }
            }
        };
        try {
            for (AgencyPlan plan : plans) {
                LoadGenOptions.ServerAddress server = serverOf.apply(plan.agency());
                AgencyRun run = new AgencyRun(plan, group.next(), server.host(), server.port(), tls, options.inFlight(),
                        options.paceMillis(), deadline, latency, firstAcks, start, ingestOnly, betsAcked, r -> {
                            if (r.phase() == AgencyRun.Phase.FAILED && firstFailure.compareAndSet(null, r)) {
                                LOG.error("action: agency | result: fail | agency: {} | error: {}",
                                        r.plan().agency(), r.failure());
                            }
                            ended.incrementAndGet();
                            allEnded.countDown();
                        });
                runs.add(run);
                waiting.add(run);
            }
            int window = options.connectWindow() == 0 ? runs.size() : Math.min(options.connectWindow(), runs.size());
            for (int i = 0; i < window; i++) {
                startNext.run();
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
                LOG.info("action: loadgen | result: in_progress | agencies_done: {}/{} | bets_acked: {} | "
                                + "bets_per_s: {}", ended.get(), plans.size(), betsAcked.get(),
                        Math.round(betsAcked.get() / ((System.nanoTime() - start) / 1e9)));
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        return new Drive(runs, betsAcked.get(), latency, firstAcks, start, System.nanoTime());
    }

    private static Result finish(LoadGenOptions options, Drive drive, Report.ServerUse server,
                                 List<Report.ServerUse> serversEach, double generatorCpu) throws IOException {
        List<AgencyRun> runs = drive.runs();
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
        long bets = (long) options.bets() * runs.size();
        long lastWinners = runs.stream().mapToLong(AgencyRun::winnersNanos).max().orElse(0);
        boolean allAnswered = failures.isEmpty();
        LatencyStats.Summary ack = drive.latency().summary();
        Report report = new Report(runs.size(), bets, options.batchMax(), options.inFlight(), allAnswered,
                reconnects, drive.ingestSeconds(), drive.betsPerSecond(), ack, drive.firstAcks().summary(),
                allAnswered ? (lastWinners - drive.ingestDoneNanos()) / 1e9 : -1,
                (drive.endNanos() - drive.startNanos()) / 1e9, server, generatorCpu, 0, 0,
                shares(options, drive), serversEach);
        Result result = new Result(runs.size(), runs.size() - failures.size(), drive.betsAcked(), winners, failures,
                reconnects, report);
        LOG.info("action: loadgen | result: {} | agencies_done: {}/{} | bets: {} | bets_acked: {} | reconnects: {} | "
                        + "batches_acked: {} | ack_ms_p50: {} | ack_ms_p99: {} | ack_ms_max: {} | bets_per_s: {} | "
                        + "seconds: {}", result.success() ? "success" : "fail", result.succeeded(), runs.size(), bets,
                drive.betsAcked(), reconnects, ack.count(), fmt(ack.p50()), fmt(ack.p99()), fmt(ack.max()),
                Math.round(drive.betsPerSecond()), fmt((drive.endNanos() - drive.startNanos()) / 1e9));
        return result;
    }

    /**
     * Per server of the list (only when there are several): its agencies, their bets and bets/s (their bets / from
     * the start to the last batch Ack of its agencies).
     */
    private static List<Report.ServerShare> shares(LoadGenOptions options, Drive drive) {
        if (options.servers().size() < 2) {
            return List.of();
        }
        List<Report.ServerShare> shares = new ArrayList<>();
        for (int i = 0; i < options.servers().size(); i++) {
            int index = i;
            List<AgencyRun> mine = drive.runs().stream()
                    .filter(run -> options.serverIndex(run.plan().agency()) == index).toList();
            long bets = mine.stream().mapToLong(run -> run.plan().totalBets()).sum();
            long lastAck = mine.stream().mapToLong(AgencyRun::ingestDoneNanos).max().orElse(drive.startNanos());
            double seconds = Math.max(1, lastAck - drive.startNanos()) / 1e9;
            shares.add(new Report.ServerShare(options.servers().get(i).toString(), mine.size(), bets, seconds,
                    mine.isEmpty() ? 0 : bets / seconds));
        }
        return shares;
    }

    private static String fmt(double value) {
        return String.format(java.util.Locale.ROOT, "%.2f", value);
    }
}

package lottery.server.round;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import lottery.common.log.LogText;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorCode;
import lottery.server.store.BetStore;
import lottery.server.store.DrawResult;
import lottery.server.store.RoundSnapshot;
import lottery.server.store.SharedRound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state every connection shares: the bets store, which agencies have finished, how many bets each stored and
 * its last batch seq (seeded from the recovered round, so they survive a restart), the live session of each agency,
 * the agencies' secrets, the group commit that holds Acks until their writes are durable, and the draw (the
 * assignment's {@code load_bets} + {@code has_won}, run once).
 *
 * <p>Thread context: confined to the server's <em>lottery thread</em>, a single thread that also runs every
 * {@link AgencyConversation}. One thread doing everything in the order it was asked needs no lock: "is this agency
 * finished?" and "store its bets" cannot be separated by another request, a bet cannot slip in after its agency's
 * Finish or the draw, and the draw starts exactly once (only the Finish that completes the set schedules it). The
 * draw runs on that thread as well, as a task of its own queued behind that Finish, so the Finish is answered first.
 * Winners queries wait as callbacks ({@link #whenDecided}), never as blocked threads.
 *
 * <p>With a store that several servers share ({@link SharedRound}, PostgreSQL) the maps here are this server's view
 * only: a HELLO loads the agency's state from the store and takes a fencing token ({@link #claim}), and the draw is
 * the store's ({@link SharedRound#pollDraw}): it is polled every {@value #POLL_MILLIS} ms until it is decided, and at
 * once after a FINISH is committed, on the server's {@code draw-poll} thread (a poll that draws holds a transaction as
 * long as the draw takes), one poll at a time, each outcome handed back to the lottery thread. Polling, not LISTEN/NOTIFY: a notification sent while a
 * server's listening connection is down is lost, and a server that dies mid-draw sends none, so a poll would be
 * needed anyway; one small query per server every {@value #POLL_MILLIS} ms costs nothing, and it bounds how late a
 * held query is answered.
 */
public final class DrawCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(DrawCoordinator.class);
    /** How often a server with a shared store asks it whether the draw is decided (and runs it when it is due). */
    static final long POLL_MILLIS = 200;

    private final int agencies;
    /** The lottery thread: where the draw is queued. */
    private final LotteryThread lotteryThread;
    /** Where forces run (the {@code store-sync} thread); null = on the lottery thread. */
    private final Executor syncThread;
    private final AgencySecrets secrets;
    private final boolean fsync;
    private final Set<Integer> finished = new HashSet<>();
    /** Agencies sent their winners (recorded once each in the store: the round is over when all were). */
    private final Set<Integer> answered = new HashSet<>();
    private final Map<Integer, Long> storedByAgency = new HashMap<>();
    /** The last batch seq stored per agency (0: none). */
    private final Map<Integer, Long> lastSeq = new HashMap<>();
    /** The live session of each agency: the conversation that holds it. */
    private final Map<Integer, Object> sessions = new HashMap<>();
    /** Set by {@link #begin}. */
    private BetStore store;
    private GroupCommit commit;
    /** Callbacks of held winners queries, run once the draw is decided. */
    private final Set<Runnable> waiting = new LinkedHashSet<>();
    /** Documents of the winners, per agency; null until the draw has run. */
    private Map<Integer, List<String>> winners;
    /** Why the draw will never answer (it failed, or the server stops first); null otherwise. */
    private LotteryRejection failure;
    private boolean closed;
    /** The store as several servers share it; null for a store of this server alone. */
    private SharedRound shared;
    /** The poll of the shared draw; null when not polling. */
    private ScheduledFuture<?> poller;
    /** The last poll failed (its line is logged once until one succeeds). */
    private boolean pollFailing;
    /**
     * The server's {@code draw-poll} thread: it ticks every {@value #POLL_MILLIS} ms and runs the shared store's polls
     * (and so the draw); null without a shared store.
     */
    private final ScheduledExecutorService pollThread;
    /** A poll runs on the poll thread: the next tick does not start another one. */
    private boolean polling;

    /**
     * @param store         the bets; from now on used only by the lottery thread
     * @param agencies      the draw runs when agencies 1..{@code agencies} have all finished; 0 means never
     * @param lotteryThread the thread that calls this object; the draw is queued on it
     */
    public DrawCoordinator(BetStore store, int agencies, LotteryThread lotteryThread) {
        this(agencies, lotteryThread, null, AgencySecrets.none(), false);
        begin(store, RoundSnapshot.empty(agencies));
    }

    /**
     * A coordinator without its store yet: the server builds it before it binds and calls {@link #begin} once the
     * round is open, before any connection is read.
     *
     * @param syncThread where the group commit's forces run; null = on the lottery thread
     * @param secrets    the agencies' secrets (or {@link AgencySecrets#none()})
     * @param fsync      whether an Ack waits for a force (else for the write to the operating system)
     */
    public DrawCoordinator(int agencies, LotteryThread lotteryThread, Executor syncThread, AgencySecrets secrets,
                           boolean fsync) {
        this(agencies, lotteryThread, syncThread, null, secrets, fsync);
    }

    /**
     * The same, with a thread for the shared store's polls ({@code pollThread}): a poll that runs the draw holds
     * its database transaction for as long as the draw takes, which the lottery thread need not wait for; the
     * outcome comes back to the lottery thread. Null: no shared store.
     */
    public DrawCoordinator(int agencies, LotteryThread lotteryThread, Executor syncThread,
                           ScheduledExecutorService pollThread, AgencySecrets secrets, boolean fsync) {
        this.pollThread = pollThread;
        this.agencies = agencies;
        this.lotteryThread = lotteryThread;
        this.syncThread = syncThread;
        this.secrets = secrets;
        this.fsync = fsync;
    }

    /**
     * Takes the round's store and what it already holds ({@link RoundSnapshot}: each agency's last seq and stored bets,
     * which agencies finished); when every agency has finished but the draw has not run, queues the draw. Call it
     * once, before the first request, from the lottery thread or before that thread gets the first request.
     */
    public void begin(BetStore roundStore, RoundSnapshot round) {
        if (store != null) {
            throw new IllegalStateException("the coordinator has its store already");
        }
        store = roundStore;
        commit = new GroupCommit(roundStore, fsync, lotteryThread, syncThread);
        lastSeq.putAll(round.lastSeq());
        storedByAgency.putAll(round.stored());
        finished.addAll(round.finished());
        answered.addAll(round.answered());
        if (roundStore instanceof SharedRound sharedRound) {
            shared = sharedRound;
            if (pollThread == null) {
                throw new IllegalStateException("a shared store needs a draw-poll thread");
            }
            // The tick only asks the lottery thread to poll: whether one is due is that thread's to say.
            poller = pollThread.scheduleWithFixedDelay(this::tick, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
        } else if (round.drawn()) {
            // The draw ran before a restart, but some agency may still wait for its winners: the same winners again.
            queue(() -> runDraw(true));
        } else if (agencies > 0 && finished.size() >= agencies) {
            queueDraw();
        }
    }

    /** Whether HELLO must carry the agency's secret. */
    boolean authenticates() {
        return secrets.enabled();
    }

    /** Whether {@code secret} is {@code agency}'s (always, when agencies are not authenticated). */
    boolean secretMatches(int agency, String secret) {
        return secrets.matches(agency, secret);
    }

    /** Makes {@code owner} the live session of {@code agency}, unless another one is: then false. */
    boolean claimSession(int agency, Object owner) {
        Object current = sessions.putIfAbsent(agency, owner);
        return current == null || current == owner;
    }

    /** Ends {@code owner}'s session of {@code agency} (no-op when it does not hold it). */
    void releaseSession(int agency, Object owner) {
        sessions.remove(agency, owner);
    }

    /**
     * Starts a session of {@code agency} (its HELLO, once the connection holds the agency here): with a shared store,
     * loads what the store holds of the agency (another server may have stored its batches or its FINISH) and takes
     * the session's fencing token.
     *
     * @return the token, 0 without a shared store
     * @throws LotteryRejection STORAGE_FAILURE when the store cannot be reached
     */
    long claim(int agency) throws LotteryRejection {
        if (shared == null) {
            return 0;
        }
        checkOpen();
        SharedRound.AgencyView view;
        try {
            view = shared.claim(agency);
        } catch (IOException e) {
            throw new LotteryRejection(ErrorCode.STORAGE_FAILURE, "cannot start the session: " + e.getMessage(), e);
        }
        lastSeq.put(agency, view.lastSeq());
        storedByAgency.put(agency, view.stored());
        if (view.finished()) {
            finished.add(agency);
        } else {
            finished.remove(agency);
        }
        return view.session();
    }

    /**
     * Why the writes of {@code agency}'s session {@code session} were refused by the shared store (a newer session
     * took the agency over), or null. Meaningful once those writes are durable ({@link #afterDurable}).
     */
    String refusal(int agency, long session) {
        return shared == null ? null : shared.refusal(agency, session);
    }

    /** The last batch seq stored for {@code agency}, 0 if none. */
    long lastSeq(int agency) {
        return lastSeq.getOrDefault(agency, 0L);
    }

    /** The bets stored for {@code agency}. */
    long stored(int agency) {
        return storedByAgency.getOrDefault(agency, 0L);
    }

    /**
     * Runs {@code callback} (on the lottery thread) once everything stored so far is durable (see
     * {@link GroupCommit}); with the failure of the force when it failed.
     */
    void afterDurable(java.util.function.Consumer<IOException> callback) {
        commit.afterDurable(callback);
    }

    /** Whether {@code agency} may take part: 1..agencies, or any positive id when there is no draw. */
    boolean knowsAgency(int agency) {
        return agency >= 1 && (agencies == 0 || agency <= agencies);
    }

    /**
     * Stores a bet or a batch of {@code agency}, all or nothing.
     *
     * @return every bet {@code agency} has stored so far, these included
     */
    long storeBets(int agency, List<Bet> bets) throws LotteryRejection {
        return storeBets(agency, 0, bets);
    }

    /**
     * Stores the batch {@code seq} of {@code agency} (0: a single BET, which has no seq), all or nothing; a batch
     * becomes the agency's last seq. The caller has checked that {@code seq} is the agency's next one.
     *
     * @return every bet {@code agency} has stored so far, these included
     */
    long storeBets(int agency, long seq, List<Bet> bets) throws LotteryRejection {
        checkAgency(agency);
        checkOpen();
        if (finished.contains(agency)) {
            throw new LotteryRejection(ErrorCode.BET_AFTER_FINISH, "agency " + agency + " already sent Finish");
        }
        try {
            store.append(agency, seq, bets);
        } catch (IOException e) {
            throw new LotteryRejection(ErrorCode.STORAGE_FAILURE, "cannot store the bets: " + e.getMessage(), e);
        }
        if (seq > 0) {
            lastSeq.put(agency, seq);
        }
        return storedByAgency.merge(agency, (long) bets.size(), Long::sum);
    }

    /**
     * Records that {@code agency} has sent all its bets; the last agency to do so queues the draw. Idempotent: a
     * second FINISH of an agency changes nothing and gets the same answer.
     *
     * @return every bet {@code agency} stored
     */
    long finish(int agency) throws LotteryRejection {
        checkAgency(agency);
        checkOpen();
        long stored = storedByAgency.getOrDefault(agency, 0L);
        if (finished.contains(agency)) {
            return stored;
        }
        try {
            store.finish(agency, stored);
        } catch (IOException e) {
            throw new LotteryRejection(ErrorCode.STORAGE_FAILURE, "cannot record the finish: " + e.getMessage(), e);
        }
        finished.add(agency);
        if (shared != null) {
            // This FINISH may be the last one of all the servers': ask the store once it is committed.
            commit.afterDurable(failed -> pollDraw());
        } else if (agencies > 0 && finished.size() == agencies) {
            queueDraw();
        }
        return stored;
    }

    private void queueDraw() {
        queue(() -> runDraw(false));
    }

    private void queue(Runnable draw) {
        try {
            lotteryThread.execute(draw);
        } catch (RejectedExecutionException e) {
            decide(null, new LotteryRejection(ErrorCode.SHUTTING_DOWN, "the server is stopping"));
        }
    }

    /** Whether {@code agency} has sent FINISH (on any connection). */
    boolean hasFinished(int agency) {
        return finished.contains(agency);
    }

    /** Whether the winners are known, or known never to come ({@link #winners} answers either way). */
    boolean drawDecided() {
        return winners != null || failure != null;
    }

    /**
     * Runs {@code callback} (on the lottery thread) once {@link #drawDecided()}; at once if it already is. A
     * callback runs at most once; {@link #forget} withdraws it.
     */
    void whenDecided(Runnable callback) {
        if (drawDecided()) {
            callback.run();
        } else {
            waiting.add(callback);
        }
    }

    /** Withdraws a callback of {@link #whenDecided} that has not run (its connection is gone). */
    void forget(Runnable callback) {
        waiting.remove(callback);
    }

    /** How many callbacks wait for the draw. */
    int waitingCount() {
        return waiting.size();
    }

    /**
     * The documents of {@code agency}'s winners; never partial.
     *
     * @throws LotteryRejection when the draw failed (INTERNAL_ERROR) or the server stopped first (SHUTTING_DOWN)
     * @throws IllegalStateException before {@link #drawDecided()}
     */
    List<String> winners(int agency) throws LotteryRejection {
        if (failure != null) {
            throw failure;
        }
        if (winners == null) {
            throw new IllegalStateException("the draw has not run");
        }
        return winners.getOrDefault(agency, List.of());
    }

    /** Whether the draw has run. */
    boolean drawn() {
        return winners != null;
    }

    /**
     * Refuses all further requests and answers the winners queries still waiting for the draw with SHUTTING_DOWN.
     * Idempotent. Call it on the lottery thread.
     */
    public void close() {
        closed = true;
        stopPolling();
        if (commit != null) {
            // The last force: the Acks still waiting for one are sent before the connections close.
            commit.syncNow();
        }
        if (!drawDecided()) {
            decide(null, new LotteryRejection(ErrorCode.SHUTTING_DOWN, "the server is stopping"));
        }
    }

    /** Whether {@link #close} was called. */
    boolean isClosed() {
        return closed;
    }

    /** The conversation admits only known agencies (UNKNOWN_AGENCY at the handshake); anything else is a bug. */
    private void checkAgency(int agency) {
        if (!knowsAgency(agency)) {
            throw new IllegalArgumentException("agency " + agency + " does not take part in this draw");
        }
    }

    private void checkOpen() throws LotteryRejection {
        if (closed) {
            throw new LotteryRejection(ErrorCode.SHUTTING_DOWN, "the server is stopping");
        }
    }

    /**
     * Records that {@code agency} was sent its winners (once per agency; a failed record only means a restart
     * answers them again).
     */
    void answered(int agency) {
        if (store == null || !answered.add(agency)) {
            return;
        }
        try {
            store.answered(agency);
        } catch (IOException e) {
            LOG.warn("action: record_answered | result: fail | agency: {} | error: {}", agency,
                    LogText.clean(String.valueOf(e.getMessage())));
        }
    }

    /**
     * load_bets + has_won, grouped by agency, streaming the store ({@link BetStore#draw}). Runs once, as its own
     * lottery-thread task: the draw itself, or ({@code replay}) the same winners read again after a restart of a round
     * whose draw had run, which records and logs no new draw.
     */
    private void runDraw(boolean replay) {
        if (drawDecided()) {
            // A stop came first: nobody gets these winners, so no draw and no success line.
            return;
        }
        DrawResult result;
        try {
            result = store.draw();
        } catch (IOException | RuntimeException e) {
            // The text may come from the file itself: a '|' in it would split the log line.
            LOG.error("action: sorteo | result: fail | error: {}", LogText.clean(String.valueOf(e.getMessage())));
            decide(null, new LotteryRejection(ErrorCode.INTERNAL_ERROR, "the draw failed: " + e.getMessage(), e));
            return;
        }
        long bets = result.bets();
        long winnerCount = result.winnerCount();
        Map<Integer, List<String>> byAgency = result.winners();
        if (replay) {
            LOG.info("action: winners_reloaded | result: success | bets: {} | winners: {}", bets, winnerCount);
            decide(byAgency, null);
            return;
        }
        try {
            store.drawn(bets, winnerCount);
        } catch (IOException e) {
            // The winners stand; a restart before the record is written only runs the same draw again.
            LOG.warn("action: record_draw | result: fail | error: {}", LogText.clean(String.valueOf(e.getMessage())));
        }
        LOG.debug("action: draw_summary | result: success | bets: {} | winners: {}", bets, winnerCount);
        LOG.info("action: sorteo | result: success");
        decide(byAgency, null);
    }

    /** Every {@value #POLL_MILLIS} ms, on the poll thread: hands a poll to the lottery thread. */
    private void tick() {
        try {
            lotteryThread.execute(this::pollDraw);
        } catch (RejectedExecutionException stopping) {
            // The lottery thread has ended: nobody waits for the draw any more.
        }
    }

    /**
     * Asks the shared store whether the draw is decided, which runs it when every agency has finished and no server
     * has (see {@link SharedRound#pollDraw}); on the lottery thread, the poll itself on the poll thread. A failure is
     * logged (once until a poll works again) and the next poll tries again.
     */
    private void pollDraw() {
        if (drawDecided() || closed) {
            stopPolling();
            return;
        }
        if (polling) {
            return;
        }
        polling = true;
        if (!HandOff.run(pollThread, this::pollOnce, lotteryThread, outcome -> {
            polling = false;
            polled(outcome);
        })) {
            // The poll thread has ended: the server stops.
            polling = false;
        }
    }

    /** What one poll of the shared store gave: the draw (null: not decided yet), or why the poll failed. */
    private record Polled(SharedRound.Drawn drawn, Exception failure) {
    }

    /** One poll of the shared store; on the poll thread. Touches no field. */
    private Polled pollOnce() {
        try {
            return new Polled(shared.pollDraw(), null);
        } catch (IOException | RuntimeException e) {
            return new Polled(null, e);
        }
    }

    /** A poll's outcome, on the lottery thread: logs the draw and answers the held queries once it is decided. */
    private void polled(Polled outcome) {
        if (drawDecided() || closed) {
            return;
        }
        if (outcome.failure() != null) {
            if (!pollFailing) {
                LOG.warn("action: draw_poll | result: fail | error: {}",
                        LogText.clean(String.valueOf(outcome.failure().getMessage())));
                pollFailing = true;
            }
            return;
        }
        pollFailing = false;
        SharedRound.Drawn drawn = outcome.drawn();
        if (drawn == null) {
            return;
        }
        DrawResult result = drawn.result();
        if (drawn.ranHere()) {
            LOG.debug("action: draw_summary | result: success | bets: {} | winners: {}", result.bets(),
                    result.winnerCount());
            LOG.info("action: sorteo | result: success");
        } else {
            // Another server ran the draw (or this one before a restart): the same winners, no second draw.
            LOG.info("action: winners_loaded | result: success | bets: {} | winners: {}", result.bets(),
                    result.winnerCount());
        }
        stopPolling();
        decide(result.winners(), null);
    }

    private void stopPolling() {
        if (poller != null) {
            poller.cancel(false);
            poller = null;
        }
    }

    /** Fixes the outcome of the draw and runs the waiting callbacks, each once. */
    private void decide(Map<Integer, List<String>> drawnWinners, LotteryRejection drawFailure) {
        winners = drawnWinners;
        failure = drawFailure;
        List<Runnable> callbacks = new ArrayList<>(waiting);
        waiting.clear();
        for (Runnable callback : callbacks) {
            callback.run();
        }
    }
}

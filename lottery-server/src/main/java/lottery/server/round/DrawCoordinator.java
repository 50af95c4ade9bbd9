package lottery.server.round;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import lottery.common.log.LogText;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorCode;
import lottery.server.store.BetStore;
import lottery.server.store.RoundSnapshot;
import lottery.server.store.SharedRound;
import lottery.server.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state every connection shares, and the one door to it: the bets store, the round's books ({@link RoundLedger}:
 * the agencies, their live sessions, last seqs, stored bets, who finished and who was answered), the agencies'
 * secrets, the group commit that holds Acks until their writes are durable ({@link GroupCommit}), and the draw with
 * the winners queries waiting for it ({@link Draw}). It writes to the store and records in the books what the store
 * accepted; the pieces behind it each do one job.
 *
 * <p>Thread context: confined to the server's <em>lottery thread</em>, a single thread that also runs every
 * {@link AgencyConversation}; every entry that touches the round checks it runs there ({@link #checkLotteryThread}:
 * a call from elsewhere is a bug, and fails at once instead of corrupting the books now and then); only what reads
 * final, immutable state (the secrets, which agencies take part) may be asked anywhere. One thread doing
 * everything in the order it was asked needs no lock: "is this agency finished?" and "store its bets" cannot be
 * separated by another request, a bet cannot slip in after its agency's Finish or the draw, and the draw starts
 * exactly once (only the Finish that completes the set queues it). The draw runs on that thread as well, as a task of
 * its own queued behind that Finish, so the Finish is answered first. Winners queries wait as callbacks
 * ({@link #whenDecided}), never as blocked threads. Only the forces (on the {@code store-sync} thread) and the shared
 * store's polls (on the {@code draw-poll} thread) and its database-only calls (a HELLO's claim, an answered record, on
 * {@code store-io}) run elsewhere, and hand their outcomes back ({@link HandOff}).
 *
 * <p>With a store that several servers share ({@link SharedRound}, PostgreSQL) the books here are this server's view
 * only: a HELLO loads the agency's state from the store and takes a fencing token ({@link #claim}), and the draw is
 * the store's, polled by the {@link SharedDrawPoller}.
 */
public final class DrawCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(DrawCoordinator.class);

    private final LotteryThread lotteryThread;
    /** Where forces run (the {@code store-sync} thread); null = on the lottery thread. */
    private final Executor syncThread;
    /** The {@code draw-poll} thread: ticks and runs the shared store's polls; null without a shared store. */
    private final ScheduledExecutorService pollThread;
    /**
     * With a shared store, where its calls that touch the database only run ({@code store-io}: a HELLO's claim,
     * recording an answered agency), so the lottery thread never waits for the database; null without one.
     */
    private final Executor storeIo;
    private final AgencySecrets secrets;
    private final boolean fsync;
    private final RoundLedger ledger;
    private final Draw draw;
    /** Set by {@link #begin}. */
    private BetStore store;
    private GroupCommit commit;
    /** The store as several servers share it, and its poller; null for a store of this server alone. */
    private SharedRound shared;
    private SharedDrawPoller poller;
    private boolean closed;
    /**
     * Told what the round does (the ops endpoint's metrics); {@link RoundObserver#NONE} unless {@link #observe}d.
     * Set before the round begins, by the thread that starts the server, and only read afterwards.
     */
    private RoundObserver observer = RoundObserver.NONE;

    /**
     * A coordinator without its store yet: the server builds it before it binds and calls {@link #begin} once the
     * round is open, before any connection is read.
     *
     * @param agencies      the draw runs when agencies 1..{@code agencies} have all finished; 0 means never
     * @param lotteryThread the thread that calls this object; the draw is queued on it
     * @param syncThread    where the group commit's forces run; null = on the lottery thread
     * @param pollThread    with a shared store, the thread that ticks and runs its polls (a poll that draws holds its
     *                      database transaction as long as the draw takes); null without one
     * @param secrets       the agencies' secrets (or {@link AgencySecrets#none()})
     * @param fsync         whether an Ack waits for a force (else for the write to the operating system)
     */
    public DrawCoordinator(int agencies, LotteryThread lotteryThread, Executor syncThread,
                           ScheduledExecutorService pollThread, AgencySecrets secrets, boolean fsync) {
        this(agencies, lotteryThread, syncThread, pollThread, pollThread, secrets, fsync);
    }

    /**
     * As above, with {@code storeIo}: with a shared store, the executor that runs its database-only calls (a HELLO's
     * claim, recording an answered agency) and hands their outcomes back here; null without a shared store.
     */
    public DrawCoordinator(int agencies, LotteryThread lotteryThread, Executor syncThread,
                           ScheduledExecutorService pollThread, Executor storeIo, AgencySecrets secrets,
                           boolean fsync) {
        this.lotteryThread = lotteryThread;
        this.syncThread = syncThread;
        this.pollThread = pollThread;
        this.storeIo = storeIo;
        this.secrets = secrets;
        this.fsync = fsync;
        this.ledger = new RoundLedger(agencies, lotteryThread);
        this.draw = new Draw(lotteryThread);
    }

    /**
     * For tests: a coordinator of a new round in {@code store}, begun at once on the calling thread (which must be
     * {@code lotteryThread}), with forces inline, no secrets and no fsync.
     */
    public DrawCoordinator(BetStore store, int agencies, LotteryThread lotteryThread) {
        this(agencies, lotteryThread, null, null, AgencySecrets.none(), false);
        begin(store, RoundSnapshot.empty(agencies));
    }

    /**
     * Takes the round's store and what it already holds ({@link RoundSnapshot}: each agency's last seq and stored bets,
     * which agencies finished); when every agency has finished but the draw has not run, queues the draw; with a
     * shared store, starts polling its draw. Call it once, on the lottery thread, before the first request.
     */
    public void begin(BetStore roundStore, RoundSnapshot round) {
        lotteryThread.checkInThread();
        if (store != null) {
            throw new IllegalStateException("the coordinator has its store already");
        }
        store = roundStore;
        commit = new GroupCommit(roundStore, fsync, lotteryThread, syncThread, observer);
        ledger.seed(round);
        if (roundStore instanceof SharedRound sharedRound) {
            if (pollThread == null || storeIo == null) {
                throw new IllegalStateException("a shared store needs a draw-poll thread and a store-io executor");
            }
            shared = sharedRound;
            poller = new SharedDrawPoller(sharedRound, draw, lotteryThread, pollThread);
            poller.start();
        } else if (round.drawn()) {
            // The draw ran before a restart, but some agency may still wait for its winners: the same winners again.
            draw.queue(roundStore, true);
        } else if (ledger.allFinished()) {
            draw.queue(roundStore, false);
        }
    }

    /**
     * Makes {@code roundObserver} the one told what the round does (bets stored, refusals, Ack and commit times).
     * Call it at most once, from the thread that starts the server, before anything is queued on the lottery thread
     * that uses this coordinator (before {@link #begin}): the queueing publishes it to that thread.
     */
    public void observe(RoundObserver roundObserver) {
        observer = Objects.requireNonNull(roundObserver, "roundObserver");
    }

    /** Who is told what the round does ({@link RoundObserver#NONE} by default). */
    RoundObserver observer() {
        return observer;
    }

    /**
     * The round as it stands, copied for another thread (the ops endpoint asks for it as a task of its own on the
     * lottery thread). Before {@link #begin} the round is not open and has no line.
     */
    public RoundView view() {
        lotteryThread.checkInThread();
        if (store == null) {
            return new RoundView(ledger.agencies(), false, false, closed, 0, 0, 0, List.of());
        }
        return new RoundView(ledger.agencies(), !closed, draw.drawn(), closed, commit.backlog(),
                commit.waitingCount(), draw.waitingCount(), ledger.lines(draw::winnerCount));
    }

    /**
     * Throws unless the caller runs on the lottery thread, which owns this object and everything reached through it
     * (the conversations check it at their entries too).
     *
     * @throws IllegalStateException naming the calling thread
     */
    void checkLotteryThread() {
        lotteryThread.checkInThread();
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
        lotteryThread.checkInThread();
        return ledger.claimSession(agency, owner);
    }

    /** Ends {@code owner}'s session of {@code agency} (no-op when it does not hold it). */
    void releaseSession(int agency, Object owner) {
        lotteryThread.checkInThread();
        ledger.releaseSession(agency, owner);
    }

    /**
     * How a HELLO's claim ended ({@link #claim}): the session's fencing token (0 without a shared store), or why it
     * was refused.
     */
    record Claimed(long session, LotteryRejection rejection) {
    }

    /**
     * Starts a session of {@code agency} (its HELLO, once {@code owner}, the connection, holds the agency here): with
     * a shared store, loads what the store holds of the agency (another server may have stored its batches or its
     * FINISH) and takes the session's fencing token. The store's half runs on the {@code store-io} executor, never on
     * this thread ({@link HandOff}), so a slow or unreachable database holds up this HELLO only; {@code whenDone} then
     * runs here with the outcome: a token, or DATABASE_UNAVAILABLE (the store stayed unreachable past its outage
     * bound: retryable), STORAGE_FAILURE (another failure) or SHUTTING_DOWN. If {@code owner} no longer holds the
     * agency when the token comes back (its connection closed), the token is not used. Without a shared store
     * {@code whenDone} runs at once.
     */
    void claim(int agency, Object owner, Consumer<Claimed> whenDone) {
        lotteryThread.checkInThread();
        if (shared == null) {
            whenDone.accept(new Claimed(0, null));
            return;
        }
        if (closed) {
            whenDone.accept(new Claimed(0, new LotteryRejection(ErrorCode.SHUTTING_DOWN, "the server is stopping")));
            return;
        }
        SharedRound store = shared;
        Supplier<Object> take = () -> {
            try {
                return store.take(agency);
            } catch (IOException | RuntimeException e) {
                return e;
            }
        };
        if (!HandOff.run(storeIo, take, lotteryThread, taken -> whenDone.accept(claimed(agency, owner, taken)))) {
            whenDone.accept(new Claimed(0, new LotteryRejection(ErrorCode.SHUTTING_DOWN, "the server is stopping")));
        }
    }

    /** The store's answer to a claim, back on this thread: the session starts here, or why not. */
    private Claimed claimed(int agency, Object owner, Object taken) {
        if (taken instanceof SharedRound.AgencyView view) {
            if (closed) {
                return new Claimed(0, new LotteryRejection(ErrorCode.SHUTTING_DOWN, "the server is stopping"));
            }
            if (!ledger.holdsSession(agency, owner)) {
                // The connection closed while the store answered: a newer HELLO of the agency may hold it now.
                return new Claimed(0, new LotteryRejection(ErrorCode.SHUTTING_DOWN, "the connection is gone"));
            }
            shared.started(agency, view);
            ledger.load(agency, view.lastSeq(), view.stored(), view.finished());
            return new Claimed(view.session(), null);
        }
        Exception failure = (Exception) taken;
        ErrorCode code = failure instanceof StoreUnavailableException ? ErrorCode.DATABASE_UNAVAILABLE
                : ErrorCode.STORAGE_FAILURE;
        return new Claimed(0, new LotteryRejection(code, "cannot start the session: " + failure.getMessage(),
                failure));
    }

    /**
     * Why the writes of {@code agency}'s session {@code session} were refused by the shared store (a newer session
     * took the agency over), or null. Meaningful once those writes are durable ({@link #afterDurable}).
     */
    String refusal(int agency, long session) {
        lotteryThread.checkInThread();
        return shared == null ? null : shared.refusal(agency, session);
    }

    /** The last batch seq stored for {@code agency}, 0 if none. */
    long lastSeq(int agency) {
        lotteryThread.checkInThread();
        return ledger.lastSeq(agency);
    }

    /** The bets stored for {@code agency}. */
    long stored(int agency) {
        lotteryThread.checkInThread();
        return ledger.stored(agency);
    }

    /**
     * Runs {@code callback} (on the lottery thread) once everything stored so far is durable (see
     * {@link GroupCommit}); with the failure of the force when it failed.
     */
    void afterDurable(Consumer<IOException> callback) {
        lotteryThread.checkInThread();
        commit.afterDurable(callback);
    }

    /** Whether {@code agency} may take part: 1..agencies, or any positive id when there is no draw. */
    boolean knowsAgency(int agency) {
        return ledger.knowsAgency(agency);
    }

    /**
     * Stores a bet or a batch of {@code agency}, all or nothing.
     *
     * @return every bet {@code agency} has stored so far, these included
     */
    long storeBets(int agency, List<Bet> bets) throws LotteryRejection {
        lotteryThread.checkInThread();
        return storeBets(agency, 0, bets);
    }

    /**
     * Stores the batch {@code seq} of {@code agency} (0: a single BET, which has no seq), all or nothing; a batch
     * becomes the agency's last seq. The caller has checked that {@code seq} is the agency's next one.
     *
     * @return every bet {@code agency} has stored so far, these included
     */
    long storeBets(int agency, long seq, List<Bet> bets) throws LotteryRejection {
        lotteryThread.checkInThread();
        checkAgency(agency);
        checkOpen();
        if (ledger.hasFinished(agency)) {
            throw new LotteryRejection(ErrorCode.BET_AFTER_FINISH, "agency " + agency + " already sent Finish");
        }
        try {
            store.append(agency, seq, bets);
        } catch (IOException e) {
            throw new LotteryRejection(ErrorCode.STORAGE_FAILURE, "cannot store the bets: " + e.getMessage(), e);
        }
        long stored = ledger.recordStored(agency, seq, bets.size());
        observer.stored(agency, seq, bets.size());
        return stored;
    }

    /**
     * Records that {@code agency} has sent all its bets; the last agency to do so queues the draw. Idempotent: a
     * second FINISH of an agency changes nothing and gets the same answer.
     *
     * @return every bet {@code agency} stored
     */
    long finish(int agency) throws LotteryRejection {
        lotteryThread.checkInThread();
        checkAgency(agency);
        checkOpen();
        long stored = ledger.stored(agency);
        if (ledger.hasFinished(agency)) {
            return stored;
        }
        try {
            store.finish(agency, stored);
        } catch (IOException e) {
            throw new LotteryRejection(ErrorCode.STORAGE_FAILURE, "cannot record the finish: " + e.getMessage(), e);
        }
        ledger.recordFinished(agency);
        if (poller != null) {
            // This FINISH may be the last one of all the servers': ask the store once it is committed.
            commit.afterDurable(failed -> poller.pollNow());
        } else if (ledger.allFinished()) {
            draw.queue(store, false);
        }
        return stored;
    }

    /** Whether {@code agency} has sent FINISH (on any connection). */
    boolean hasFinished(int agency) {
        lotteryThread.checkInThread();
        return ledger.hasFinished(agency);
    }

    /** Whether the winners are known, or known never to come ({@link #winners} answers either way). */
    boolean drawDecided() {
        lotteryThread.checkInThread();
        return draw.decided();
    }

    /**
     * Runs {@code callback} (on the lottery thread) once {@link #drawDecided()}; at once if it already is. A
     * callback runs at most once; {@link #forget} withdraws it.
     */
    void whenDecided(Runnable callback) {
        lotteryThread.checkInThread();
        draw.whenDecided(callback);
    }

    /** Withdraws a callback of {@link #whenDecided} that has not run (its connection is gone). */
    void forget(Runnable callback) {
        lotteryThread.checkInThread();
        draw.forget(callback);
    }

    /** How many callbacks wait for the draw. */
    int waitingCount() {
        lotteryThread.checkInThread();
        return draw.waitingCount();
    }

    /**
     * The documents of {@code agency}'s winners; never partial.
     *
     * @throws LotteryRejection when the draw failed (INTERNAL_ERROR) or the server stopped first (SHUTTING_DOWN)
     * @throws IllegalStateException before {@link #drawDecided()}
     */
    List<String> winners(int agency) throws LotteryRejection {
        lotteryThread.checkInThread();
        return draw.winners(agency);
    }

    /** Whether the draw has run. */
    boolean drawn() {
        lotteryThread.checkInThread();
        return draw.drawn();
    }

    /**
     * Records that {@code agency} was sent its winners (once per agency; a failed record only means a restart
     * answers them again).
     */
    void answered(int agency) {
        lotteryThread.checkInThread();
        if (store == null || !ledger.recordAnswered(agency)) {
            return;
        }
        if (shared != null) {
            // A shared store's record touches the database only: off this thread, its failure logged back here.
            BetStore sharedStore = store;
            Supplier<IOException> record = () -> {
                try {
                    sharedStore.answered(agency);
                    return null;
                } catch (IOException e) {
                    return e;
                }
            };
            HandOff.run(storeIo, record, lotteryThread, failure -> {
                if (failure != null) {
                    answeredFailed(agency, failure);
                }
            });
            return;
        }
        try {
            store.answered(agency);
        } catch (IOException e) {
            answeredFailed(agency, e);
        }
    }

    private static void answeredFailed(int agency, IOException e) {
        LOG.warn("action: record_answered | result: fail | agency: {} | error: {}", agency,
                LogText.clean(String.valueOf(e.getMessage())));
    }

    /**
     * Refuses all further requests and answers the winners queries still waiting for the draw with SHUTTING_DOWN.
     * Idempotent. Call it on the lottery thread.
     */
    public void close() {
        lotteryThread.checkInThread();
        closed = true;
        if (poller != null) {
            poller.stop();
        }
        if (commit != null) {
            // The last force: the Acks still waiting for one are sent before the connections close.
            commit.syncNow();
        }
        draw.stop();
    }

    /** Whether {@link #close} was called. */
    boolean isClosed() {
        lotteryThread.checkInThread();
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
}

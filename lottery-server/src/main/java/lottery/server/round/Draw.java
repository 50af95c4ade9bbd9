package lottery.server.round;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import lottery.common.log.LogText;
import lottery.protocol.message.ErrorCode;
import lottery.server.store.BetStore;
import lottery.server.store.DrawResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The draw (the assignment's {@code load_bets} + {@code has_won}, run once) and the winners queries waiting for it.
 * Its outcome is decided once: the winners of each agency, or why there will be none (the draw failed, or the server
 * stops first). Until then a winners query waits as a callback ({@link #whenDecided}), never as a blocked thread; the
 * outcome runs every waiting callback once.
 *
 * <p>Who decides: with a store of this server alone, the draw itself, queued on the lottery thread behind the FINISH
 * that completed the set ({@link #queue}), or after a restart the same winners read again; with a shared store, the
 * {@link SharedDrawPoller}, which hands over the outcome of the store's draw ({@link #decide}).
 *
 * <p>Thread context: confined to the lottery thread, which every entry checks, and which runs the local draw too, as
 * a task of its own, so the FINISH that queued it is answered first.
 */
final class Draw {
    /** The draw's lines keep the logger they always had. */
    private static final Logger LOG = LoggerFactory.getLogger(DrawCoordinator.class);

    private final LotteryThread lotteryThread;
    /** Callbacks of held winners queries, run once the draw is decided. */
    private final Set<Runnable> waiting = new LinkedHashSet<>();
    /** Documents of the winners, per agency; null until the draw has run. */
    private Map<Integer, List<String>> winners;
    /** Why the draw will never answer (it failed, or the server stops first); null otherwise. */
    private LotteryRejection failure;

    Draw(LotteryThread lotteryThread) {
        this.lotteryThread = lotteryThread;
    }

    /** Whether the winners are known, or known never to come ({@link #winners} answers either way). */
    boolean decided() {
        lotteryThread.checkInThread();
        return winners != null || failure != null;
    }

    /** Whether the draw has run. */
    boolean drawn() {
        lotteryThread.checkInThread();
        return winners != null;
    }

    /** How many winners {@code agency} has; -1 before the draw has run. */
    int winnerCount(int agency) {
        lotteryThread.checkInThread();
        return winners == null ? -1 : winners.getOrDefault(agency, List.of()).size();
    }

    /** Runs {@code callback} once {@link #decided()}; at once if it already is. {@link #forget} withdraws it. */
    void whenDecided(Runnable callback) {
        lotteryThread.checkInThread();
        if (decided()) {
            callback.run();
        } else {
            waiting.add(callback);
        }
    }

    /** Withdraws a callback of {@link #whenDecided} that has not run (its connection is gone). */
    void forget(Runnable callback) {
        lotteryThread.checkInThread();
        waiting.remove(callback);
    }

    /** How many callbacks wait for the draw. */
    int waitingCount() {
        lotteryThread.checkInThread();
        return waiting.size();
    }

    /**
     * The documents of {@code agency}'s winners; never partial.
     *
     * @throws LotteryRejection when the draw failed (INTERNAL_ERROR) or the server stopped first (SHUTTING_DOWN)
     * @throws IllegalStateException before {@link #decided()}
     */
    List<String> winners(int agency) throws LotteryRejection {
        lotteryThread.checkInThread();
        if (failure != null) {
            throw failure;
        }
        if (winners == null) {
            throw new IllegalStateException("the draw has not run");
        }
        return winners.getOrDefault(agency, List.of());
    }

    /**
     * Queues the draw of {@code store} on the lottery thread, behind the task running now: the draw itself, or
     * ({@code replay}) the same winners read again after a restart of a round whose draw had run. A lottery thread
     * that takes no more tasks means the server stops: decided as SHUTTING_DOWN.
     */
    void queue(BetStore store, boolean replay) {
        lotteryThread.checkInThread();
        try {
            lotteryThread.execute(() -> run(store, replay));
        } catch (RejectedExecutionException e) {
            decide(null, new LotteryRejection(ErrorCode.SHUTTING_DOWN, "the server is stopping"));
        }
    }

    /** The server stops: a draw not decided yet will not be, and the queries still waiting get SHUTTING_DOWN. */
    void stop() {
        lotteryThread.checkInThread();
        if (!decided()) {
            decide(null, new LotteryRejection(ErrorCode.SHUTTING_DOWN, "the server is stopping"));
        }
    }

    /**
     * load_bets + has_won, grouped by agency, streaming the store ({@link BetStore#draw}); a replay records and logs
     * no new draw.
     */
    private void run(BetStore store, boolean replay) {
        if (decided()) {
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
        if (replay) {
            LOG.info("action: winners_reloaded | result: success | bets: {} | winners: {}", bets, winnerCount);
            decide(result.winners(), null);
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
        decide(result.winners(), null);
    }

    /**
     * Fixes the outcome of the draw, {@code drawnWinners} or {@code drawFailure}, and runs the waiting callbacks,
     * each once. Called once, while not {@link #decided()}.
     */
    void decide(Map<Integer, List<String>> drawnWinners, LotteryRejection drawFailure) {
        lotteryThread.checkInThread();
        winners = drawnWinners;
        failure = drawFailure;
        List<Runnable> callbacks = new ArrayList<>(waiting);
        waiting.clear();
        for (Runnable callback : callbacks) {
            callback.run();
        }
    }
}

package lottery.server.lottery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state every connection shares: which agencies have finished, how many bets each stored, and the draw.
 *
 * <p>Synchronisation: one monitor ({@code this}) guards the finished set and the counters, and is held while a
 * batch is written, so "is this agency finished?" and "store its bets" are one atomic step (a bet can never slip in
 * after its agency's Finish, nor after the draw has read the file). The draw starts exactly once: only the call to
 * {@link #finish} that makes the finished set complete schedules it, and that transition happens under the monitor.
 * The draw itself runs on {@code drawExecutor}, outside the monitor (no bet can be stored any more by then), and
 * completes one future; winners queries are answered from that future, so nothing is ever answered before the draw.
 *
 * <p>Thread context: called from business threads; {@link #storeBets} blocks on file I/O.
 */
public final class DrawCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(DrawCoordinator.class);

    private final BetStore store;
    private final int agencies;
    private final Executor drawExecutor;
    private final Set<Integer> finished = new HashSet<>();
    private final Map<Integer, Long> storedByAgency = new HashMap<>();
    /** Documents of the winners, per agency; completed once by the draw, or failed by a stop. */
    private final CompletableFuture<Map<Integer, List<String>>> draw = new CompletableFuture<>();
    private boolean closed;

    /**
     * @param agencies     the draw runs when agencies 1..{@code agencies} have all finished; 0 means never
     * @param drawExecutor where the draw runs (it reads the whole file, so not an event loop)
     */
    public DrawCoordinator(BetStore store, int agencies, Executor drawExecutor) {
        this.store = store;
        this.agencies = agencies;
        this.drawExecutor = drawExecutor;
    }

    /** Whether {@code agency} may take part: 1..agencies, or any positive id when there is no draw. */
    public boolean knowsAgency(int agency) {
        return agency >= 1 && (agencies == 0 || agency <= agencies);
    }

    /**
     * Stores a bet or a batch of {@code agency}, all or nothing.
     *
     * @return every bet {@code agency} has stored so far, these included
     */
    public synchronized long storeBets(int agency, List<Bet> bets) throws LotteryRejection {
        checkAgency(agency);
        checkOpen();
        if (finished.contains(agency)) {
            throw new LotteryRejection(ErrorCode.BET_AFTER_FINISH, "agency " + agency + " already sent Finish");
        }
        try {
            store.append(agency, bets);
        } catch (IOException e) {
            throw new LotteryRejection(ErrorCode.STORAGE_FAILURE, "cannot store the bets: " + e.getMessage(), e);
        }
        return storedByAgency.merge(agency, (long) bets.size(), Long::sum);
    }

    /**
     * Records that {@code agency} has sent all its bets; the last agency to do so starts the draw.
     *
     * @return every bet {@code agency} stored
     */
    public long finish(int agency) throws LotteryRejection {
        long stored;
        boolean startDraw;
        checkAgency(agency);
        synchronized (this) {
            checkOpen();
            if (!finished.add(agency)) {
                throw new LotteryRejection(ErrorCode.ALREADY_FINISHED, "agency " + agency + " already sent Finish");
            }
            stored = storedByAgency.getOrDefault(agency, 0L);
            startDraw = agencies > 0 && finished.size() == agencies;
        }
        if (startDraw) {
            try {
                drawExecutor.execute(this::runDraw);
            } catch (RejectedExecutionException e) {
                draw.completeExceptionally(new LotteryRejection(ErrorCode.SHUTTING_DOWN, "the server is stopping"));
            }
        }
        return stored;
    }

    /**
     * The documents of {@code agency}'s winners, completed once the draw has run (never with partial data). It
     * fails with a {@link LotteryRejection} if the server stops first or the draw cannot read the bets.
     */
    public CompletableFuture<List<String>> winners(int agency) {
        return draw.thenApply(byAgency -> byAgency.getOrDefault(agency, List.of()));
    }

    /** Whether {@code agency} has sent FINISH (on any connection). */
    public synchronized boolean hasFinished(int agency) {
        return finished.contains(agency);
    }

    /** Whether the draw has run. */
    public boolean drawn() {
        return draw.isDone() && !draw.isCompletedExceptionally();
    }

    /** Refuses all further requests and fails the winners queries still waiting for the draw. Idempotent. */
    public void close() {
        synchronized (this) {
            closed = true;
        }
        draw.completeExceptionally(new LotteryRejection(ErrorCode.SHUTTING_DOWN, "the server is stopping"));
    }

    /** Whether {@link #close} was called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** The handler admits only known agencies (UNKNOWN_AGENCY at the handshake); anything else is a bug. */
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

    /** load_bets + has_won, grouped by agency, streaming the store. Runs once, on the draw executor. */
    private void runDraw() {
        try {
            Map<Integer, List<String>> winners = new HashMap<>();
            long[] counts = new long[2];
            store.forEach(bet -> {
                counts[0]++;
                if (bet.hasWon()) {
                    winners.computeIfAbsent(bet.agency(), a -> new ArrayList<>()).add(bet.document());
                    counts[1]++;
                }
            });
            winners.replaceAll((agency, documents) -> List.copyOf(documents));
            LOG.debug("action: draw_summary | result: success | bets: {} | winners: {}", counts[0], counts[1]);
            // A stop may have failed the future first: then nobody gets these winners, so no success line.
            if (draw.complete(Map.copyOf(winners))) {
                LOG.info("action: sorteo | result: success");
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("action: sorteo | result: fail | error: {}", e.getMessage());
            draw.completeExceptionally(new LotteryRejection(ErrorCode.INTERNAL_ERROR,
                    "the draw failed: " + e.getMessage(), e));
        }
    }
}

package lottery.server.round;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import lottery.common.log.LogText;
import lottery.server.store.DrawResult;
import lottery.server.store.SharedRound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With a store that several servers share ({@link SharedRound}, PostgreSQL), the draw is the store's
 * ({@link SharedRound#pollDraw}): this asks the store whether it is decided, which runs it when every agency has
 * finished and no server has, every {@value #POLL_MILLIS} ms until it is, and at once when asked ({@link #pollNow},
 * after a FINISH is committed), then hands the outcome to the {@link Draw}.
 *
 * <p>Polling, not LISTEN/NOTIFY: a notification sent while a server's listening connection is down is lost, and a
 * server that dies mid-draw sends none, so a poll would be needed anyway; one small query per server every
 * {@value #POLL_MILLIS} ms costs nothing, and it bounds how late a held query is answered.
 *
 * <p>Thread context: the polls run on the server's {@code draw-poll} thread (a poll that draws holds a transaction as
 * long as the draw takes, which the lottery thread need not wait for), one at a time; that thread also ticks, and
 * each tick only asks the lottery thread to poll. Everything else (whether a poll is due, the outcome, the failure
 * line) is the lottery thread's, whose entries ({@link #start}, {@link #pollNow}, {@link #stop}) check it runs there:
 * a poll touches no field but the final ones, and its outcome comes back through {@link HandOff}.
 */
final class SharedDrawPoller {
    /** The poll's lines keep the logger they always had. */
    private static final Logger LOG = LoggerFactory.getLogger(DrawCoordinator.class);
    /** How often a server with a shared store asks it whether the draw is decided (and runs it when it is due). */
    static final long POLL_MILLIS = 200;

    private final SharedRound shared;
    private final Draw draw;
    private final LotteryThread lotteryThread;
    private final ScheduledExecutorService pollThread;
    /** The ticks; null when not polling. */
    private ScheduledFuture<?> ticks;
    /** A poll runs on the poll thread: the next tick does not start another one. */
    private boolean polling;
    /** The last poll failed (its line is logged once until one succeeds). */
    private boolean failing;
    /** {@link #stop} was called: no more polls, and an outcome still on its way is dropped. */
    private boolean stopped;

    SharedDrawPoller(SharedRound shared, Draw draw, LotteryThread lotteryThread, ScheduledExecutorService pollThread) {
        this.shared = shared;
        this.draw = draw;
        this.lotteryThread = lotteryThread;
        this.pollThread = pollThread;
    }

    /** Polls now and every {@value #POLL_MILLIS} ms until the draw is decided or {@link #stop}. */
    void start() {
        lotteryThread.checkInThread();
        ticks = pollThread.scheduleWithFixedDelay(this::tick, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Every {@value #POLL_MILLIS} ms, on the poll thread: hands a poll to the lottery thread. */
    private void tick() {
        try {
            lotteryThread.execute(this::pollNow);
        } catch (RejectedExecutionException stopping) {
            // The lottery thread has ended: nobody waits for the draw any more.
        }
    }

    /**
     * Starts a poll on the poll thread, unless the draw is decided, polling stopped, or a poll runs already (its
     * outcome is as recent). A failure is logged (once until a poll works again) and the next tick tries again.
     */
    void pollNow() {
        lotteryThread.checkInThread();
        if (draw.decided() || stopped) {
            stop();
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

    /** No more polls; an outcome still on its way is dropped. Idempotent. */
    void stop() {
        lotteryThread.checkInThread();
        stopped = true;
        if (ticks != null) {
            ticks.cancel(false);
            ticks = null;
        }
    }

    /** What one poll of the shared store gave: the draw (null: not decided yet), or why the poll failed. */
    private record Polled(SharedRound.Drawn drawn, Exception failure) {
    }

    /** One poll of the shared store; on the poll thread. Touches no field but the final ones. */
    private Polled pollOnce() {
        try {
            return new Polled(shared.pollDraw(), null);
        } catch (IOException | RuntimeException e) {
            return new Polled(null, e);
        }
    }

    /** A poll's outcome, on the lottery thread: logs the draw and decides it once it is decided. */
    private void polled(Polled outcome) {
        if (draw.decided() || stopped) {
            return;
        }
        if (outcome.failure() != null) {
            if (!failing) {
                LOG.warn("action: draw_poll | result: fail | error: {}",
                        LogText.clean(String.valueOf(outcome.failure().getMessage())));
                failing = true;
            }
            return;
        }
        failing = false;
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
        stop();
        draw.decide(result.winners(), null);
    }
}

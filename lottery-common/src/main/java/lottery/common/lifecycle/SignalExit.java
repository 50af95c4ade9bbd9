package lottery.common.lifecycle;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lottery.common.log.LogText;
import lottery.common.log.Logging;
import lottery.common.log.ShutdownLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM into a graceful stop that exits with status 0 (exercise 4; {@code docker stop} reports the status),
 * the same way in both applications.
 *
 * <p>The JVM runs its shutdown hooks on SIGTERM (and SIGINT, SIGHUP: a hook cannot tell them apart) but would then
 * exit with 143. So {@code main} installs one of these first thing ({@link #install}), tells it how to stop the
 * program ({@link #onSignal}) and ends through {@link #exit}. The hook:
 *
 * <ol>
 *   <li>logs {@code action: receive_signal}, then runs the program's stop action on the hook's thread (the server
 *       closes everything there; the client asks its run to stop);</li>
 *   <li>waits at most {@link #GRACE} for {@code main} to end through {@link #exit}, which reports the run's status
 *       (a run that never ends counts as a failure, status 1);</li>
 *   <li>logs {@code action: exit}, flushes the logs and halts the JVM with that status ({@code Runtime.halt}: exiting
 *       from a shutdown hook would block forever).</li>
 * </ol>
 *
 * <p>A program that ends itself goes through {@link #exit} too, which records that, flushes the logs and halts the
 * JVM with the run's status (1 cannot start, 2 bad config): by then the program has closed everything, this hook is
 * the only one registered, and on JDK 25 (not 17) {@code System.exit} would first look up the JDK's own
 * {@code System.Logger} to log the exit: a class-path service scan that opens and indexes the jar, about 15 ms of a
 * client's 0.25 CPU-s (docs/PERFORMANCE.md "Issue 22, sixth pass"). If a signal comes in between, the hook sees the
 * program ending and does nothing, so the program's status stands.
 * A signal that arrives before the program has a stop action (during start-up) is remembered: {@link #onSignal} then
 * runs the action at once. {@code sun.misc.Signal} would avoid the hook, but it is an internal API that the build's
 * {@code -Werror} refuses.
 *
 * <p>Thread context: {@link #onSignal} and {@link #exit} run on the main thread, the hook on the JVM's shutdown thread.
 * Each instance holds its own state; tests build one with a {@link Terminator} that records instead of ending the JVM.
 */
public final class SignalExit {
    /** How long the hook waits, after the stop action, for the program to end: within Docker's default 10 s. */
    public static final Duration GRACE = Duration.ofSeconds(9);
    /** The status of a program that did not end within {@link #GRACE} after a signal. */
    public static final int EXIT_FAILURE = 1;

    private static final Logger LOG = LoggerFactory.getLogger(SignalExit.class);

    /** How the JVM ends: {@link Terminator#RUNTIME}, or a recording stand-in in tests. */
    public interface Terminator {
        /** {@code Runtime.halt} after {@link Logging#flush}, both ways: a program ends itself once all is closed. */
        Terminator RUNTIME = new Terminator() {
            @Override
            public void exit(int status) {
                halt(status);
            }

            @Override
            public void halt(int status) {
                Logging.flush(); // halt skips everything that would flush the last lines
                Runtime.getRuntime().halt(status);
            }
        };

        /** Ends the JVM when the program ends itself (it has closed everything; no hook has work left). */
        void exit(int status);

        /** Writes out the logs and ends the JVM at once; the only way out of a shutdown hook. */
        void halt(int status);
    }

    private enum State { RUNNING, EXITING, SIGNALLED }

    private final Terminator terminator;
    private final Duration grace;
    private final CountDownLatch ended = new CountDownLatch(1);
    /** Guarded by {@code this}. */
    private State state = State.RUNNING;
    /** Guarded by {@code this}; null until {@link #onSignal}. */
    private Runnable stopAction;
    /** The run's status, written before {@code ended} opens. */
    private volatile int status = EXIT_FAILURE;
    /** Names the program in the hook's lines ({@code client_id: 7}); empty for none. */
    private volatile String context = "";

    /** A signal exit that ends the JVM through {@code terminator}; not a hook yet (tests call {@link #onShutdown}). */
    SignalExit(Terminator terminator, Duration grace) {
        this.terminator = terminator;
        this.grace = grace;
    }

    /**
     * Registers the shutdown hook. Call it first thing in {@code main}, so that a SIGTERM during start-up
     * ({@code docker stop} right after {@code up}) is handled too.
     */
    public static SignalExit install() {
        SignalExit signalExit = new SignalExit(Terminator.RUNTIME, GRACE);
        Runtime.getRuntime().addShutdownHook(new Thread(signalExit::onShutdown, "signal-exit"));
        return signalExit;
    }

    /** Names the program in the hook's log lines from now on: {@code client_id: 7}; empty for none. */
    public void context(String fields) {
        context = fields;
    }

    /**
     * Sets what a signal does: the program's stop, which must make {@code main} reach {@link #exit} (the server closes
     * everything and its main thread, waiting for that, returns; the client's run sees its stop request). When the
     * signal already came, the action runs now, on the calling thread.
     */
    public void onSignal(Runnable action) {
        synchronized (this) {
            if (state != State.SIGNALLED) {
                stopAction = action;
                return;
            }
        }
        action.run();
    }

    /**
     * Ends the program with {@code runStatus}: through {@link Terminator#exit} normally, or, when a signal already
     * started the shutdown, by handing the status to the hook, which halts the JVM with it. Returns only in that case.
     */
    public void exit(int runStatus) {
        boolean own;
        synchronized (this) {
            status = runStatus;
            own = state == State.RUNNING;
            if (own) {
                state = State.EXITING;
            }
        }
        ended.countDown();
        if (own) {
            terminator.exit(runStatus);
        }
    }

    /** The shutdown hook's work (see the class comment); does nothing when the program is ending itself. */
    void onShutdown() {
        Runnable action;
        synchronized (this) {
            if (state != State.RUNNING) {
                return; // the program is ending itself: its status stands
            }
            state = State.SIGNALLED;
            action = stopAction;
        }
        ShutdownLog.signalReceived(context);
        if (action != null) {
            try {
                action.run();
            } catch (RuntimeException | Error e) {
                LOG.error("action: stop | result: fail | error: {}", LogText.clean(e.toString()));
            }
        }
        int code = EXIT_FAILURE;
        try {
            if (ended.await(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                code = status;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ShutdownLog.exit(context, code);
        terminator.halt(code);
    }
}

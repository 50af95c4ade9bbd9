package lottery.client;

import ch.qos.logback.classic.LoggerContext;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM into a graceful stop that exits with status 0 (exercise 4; {@code docker stop} reports the status).
 *
 * <p>The JVM runs shutdown hooks on SIGTERM (and SIGINT, SIGHUP: the hook cannot tell them apart) but would then
 * exit with 143. So the hook asks the client thread to stop ({@link StopSignal}), waits until {@link #exit} reports
 * that the run is over, logs the exit and ends the JVM with {@code Runtime.halt} and the run's status. The same hook
 * also runs when the program calls {@code System.exit} itself; a state flag set before that call makes it do
 * nothing then, so failures keep their non-zero status. {@code sun.misc.Signal} would avoid the hook but is an
 * internal API that the build's {@code -Werror} refuses.
 *
 * <p>Thread context: {@link #exit} runs on the main thread, the hook on the JVM's shutdown thread.
 */
public final class SignalExit {
    /** How long the hook waits for the run to stop; below Docker's default 10 s grace period. */
    static final Duration GRACE = Duration.ofSeconds(9);
    private static final Logger LOG = LoggerFactory.getLogger(SignalExit.class);

    private enum State { RUNNING, EXITING, SIGNALLED }

    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final StopSignal stop;
    /** The agency number for the log lines; "?" until the config is read. */
    private volatile String clientId = "?";
    private volatile int status = 1;

    private SignalExit(StopSignal stop) {
        this.stop = stop;
    }

    /**
     * Registers the shutdown hook for a run that watches {@code stop}. Call it first thing in {@code main}, so that a
     * SIGTERM during start-up (docker stop right after up) is handled too: the run then sees the stop at once.
     */
    public static SignalExit install(StopSignal stop) {
        SignalExit signalExit = new SignalExit(stop);
        Runtime.getRuntime().addShutdownHook(new Thread(signalExit::onShutdown, "signal-exit"));
        return signalExit;
    }

    /** Names the client in the hook's log lines once the config is known. */
    public void clientId(int id) {
        clientId = Integer.toString(id);
    }

    /**
     * Ends the process with {@code runStatus}: through {@code System.exit} normally, or by letting the hook halt the
     * JVM when a signal already started the shutdown. Returns only in the latter case.
     */
    public void exit(int runStatus) {
        status = runStatus;
        finished.countDown();
        if (state.compareAndSet(State.RUNNING, State.EXITING)) {
            System.exit(runStatus);
        }
    }

    private void onShutdown() {
        if (!state.compareAndSet(State.RUNNING, State.SIGNALLED)) {
            return; // our own System.exit: nothing to stop
        }
        LOG.info("action: receive_signal | result: success | client_id: {} | signal: SIGTERM", clientId);
        stop.request();
        int code;
        try {
            code = finished.await(GRACE.toMillis(), TimeUnit.MILLISECONDS) ? status : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = 1;
        }
        if (code == 0) {
            LOG.info("action: exit | result: success | client_id: {}", clientId);
        } else {
            LOG.error("action: exit | result: fail | client_id: {} | status: {}", clientId, code);
        }
        flushLogs();
        Runtime.getRuntime().halt(code);
    }

    private static void flushLogs() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            context.stop();
        }
        System.out.flush();
        System.err.flush();
    }
}

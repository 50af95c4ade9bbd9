package lottery.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SIGTERM design without a signal and without ending the test JVM: the hook's work ({@link SignalExit#onShutdown})
 * runs on a thread of the test, and a recording {@link SignalExit.Terminator} stands in for {@code System.exit} and
 * {@code Runtime.halt}.
 */
class SignalExitTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SIGNAL = "INFO action: receive_signal | result: success | signal: SIGTERM";
    private static final String EXIT = "INFO action: exit | result: success";

    /** Records how the JVM would have ended: "exit N" or "halt N". */
    private static final class RecordingTerminator implements SignalExit.Terminator {
        final BlockingQueue<String> calls = new LinkedBlockingQueue<>();

        @Override
        public void exit(int status) {
            calls.add("exit " + status);
        }

        @Override
        public void halt(int status) {
            calls.add("halt " + status);
        }

        String next() throws InterruptedException {
            String call = calls.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(call).as("the JVM was ended").isNotNull();
            return call;
        }
    }

    private final RecordingTerminator terminator = new RecordingTerminator();
    private final LogCapture log = LogCapture.open(Level.DEBUG);
    private Thread hook;

    @AfterEach
    void finish() throws InterruptedException {
        log.close();
        if (hook != null) {
            hook.join(WAIT.toMillis());
            assertThat(hook.isAlive()).as("the hook finished").isFalse();
        }
    }

    /** Runs the hook's work as the JVM would on SIGTERM: on a thread of its own. */
    private void signal(SignalExit signalExit) {
        hook = new Thread(signalExit::onShutdown, "signal-exit");
        hook.start();
    }

    @Test
    void aSignalRunsTheStopActionWaitsForTheRunToEndAndHaltsWithItsStatusZero() throws Exception {
        SignalExit signalExit = new SignalExit(terminator, WAIT);
        CountDownLatch stopRequested = new CountDownLatch(1);
        signalExit.onSignal(stopRequested::countDown);
        // The program's main thread: runs until asked to stop, then ends through exit.
        CompletableFuture<Void> main = CompletableFuture.runAsync(() -> {
            try {
                assertThat(stopRequested.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            signalExit.exit(0);
        });

        signal(signalExit);

        assertThat(terminator.next()).isEqualTo("halt 0");
        main.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(terminator.calls).isEmpty(); // exit returned instead of calling System.exit
        assertThat(log.lines()).containsExactly(SIGNAL, EXIT);
    }

    @Test
    void theProgramsOwnExitKeepsItsStatusAndTheHookThenDoesNothing() throws Exception {
        SignalExit signalExit = new SignalExit(terminator, WAIT);
        CountDownLatch stopped = new CountDownLatch(1);
        signalExit.onSignal(stopped::countDown);

        signalExit.exit(2);
        assertThat(terminator.next()).isEqualTo("exit 2");
        // System.exit runs the hooks: ours must neither stop the program nor halt.
        signalExit.onShutdown();

        assertThat(terminator.calls).isEmpty();
        assertThat(stopped.getCount()).isOne();
        assertThat(log.lines()).isEmpty();
    }

    @Test
    void aRunThatFailsAfterTheSignalKeepsItsStatus() throws Exception {
        SignalExit signalExit = new SignalExit(terminator, WAIT);
        signalExit.context("client_id: 7");
        signalExit.onSignal(() -> signalExit.exit(1));

        signal(signalExit);

        assertThat(terminator.next()).isEqualTo("halt 1");
        assertThat(log.lines()).containsExactly(
                "INFO action: receive_signal | result: success | client_id: 7 | signal: SIGTERM",
                "ERROR action: exit | result: fail | client_id: 7 | status: 1");
    }

    @Test
    void aRunThatDoesNotEndWithinTheGraceHaltsWithStatusOne() throws Exception {
        // The grace running out is the behaviour under test: a short one, with a run that never ends.
        SignalExit signalExit = new SignalExit(terminator, Duration.ofMillis(100));
        signalExit.onSignal(() -> { });

        signal(signalExit);

        assertThat(terminator.next()).isEqualTo("halt 1");
        assertThat(log.lines()).containsExactly(SIGNAL, "ERROR action: exit | result: fail | status: 1");
    }

    @Test
    void aSignalBeforeTheStopActionExistsRunsTheActionAtOnceWhenItIsSet() throws Exception {
        SignalExit signalExit = new SignalExit(terminator, WAIT);
        signalExit.context("client_id: ?");
        signal(signalExit);
        log.await("INFO action: receive_signal | result: success | client_id: ? | signal: SIGTERM"::equals, WAIT);
        signalExit.context("client_id: 3");

        Thread caller = Thread.currentThread();
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        signalExit.onSignal(() -> ranOn.complete(Thread.currentThread()));

        assertThat(ranOn).isCompletedWithValue(caller);
        assertThat(terminator.calls).isEmpty(); // the hook still waits for the run
        signalExit.exit(0);
        assertThat(terminator.next()).isEqualTo("halt 0");
        assertThat(log.lines()).last().isEqualTo("INFO action: exit | result: success | client_id: 3");
    }

    @Test
    void aStopActionThatThrowsIsLoggedAndTheRunsStatusStillCounts() throws Exception {
        SignalExit signalExit = new SignalExit(terminator, WAIT);
        signalExit.onSignal(() -> {
            signalExit.exit(0);
            throw new IllegalStateException("closing | failed\nbadly");
        });

        signal(signalExit);

        assertThat(terminator.next()).isEqualTo("halt 0");
        assertThat(log.lines()).containsExactly(SIGNAL,
                "ERROR action: stop | result: fail | error: java.lang.IllegalStateException: closing / failed badly",
                EXIT);
    }

    @Test
    void aSecondHookRunChangesNothing() throws Exception {
        SignalExit signalExit = new SignalExit(terminator, WAIT);
        signalExit.onSignal(() -> signalExit.exit(0));
        signal(signalExit);
        assertThat(terminator.next()).isEqualTo("halt 0");
        hook.join(WAIT.toMillis());

        signalExit.onShutdown();

        assertThat(terminator.calls).isEmpty();
        assertThat(log.lines()).containsExactly(SIGNAL, EXIT);
    }
}

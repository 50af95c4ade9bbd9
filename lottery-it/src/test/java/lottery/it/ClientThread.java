package lottery.it;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import lottery.client.ClientConfig;
import lottery.client.ClientConfigLoader;
import lottery.client.ClientMain;
import lottery.client.StopSignal;
import lottery.common.config.ConfigException;
import lottery.testkit.ClientEnv;

/**
 * The real client ({@link ClientMain#run}) on a thread of its own, named so that its log lines can be told apart
 * ({@link LogRecorder#client}). {@link #close()} asks it to stop, so a failed test leaves nothing running.
 */
final class ClientThread implements AutoCloseable {
    /** How long {@link #close()} waits for a stopped client. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final String name;
    private final StopSignal stop = new StopSignal();
    private final CompletableFuture<Integer> status = new CompletableFuture<>();
    private final Thread thread;

    private ClientThread(String name, ClientConfig config) {
        this.name = name;
        this.thread = new Thread(() -> {
            try {
                status.complete(ClientMain.run(config, stop));
            } catch (Throwable t) { // a test must see it, not lose it with the thread
                status.completeExceptionally(t);
            }
        }, name);
    }

    /**
     * Starts agency {@code id}'s client, talking to 127.0.0.1:{@code port}, on a new thread called
     * {@code client-ID}; its config is testkit's {@link ClientEnv} with {@code overrides}, read as the real client
     * reads its environment.
     */
    static ClientThread start(int id, int port, Map<String, String> overrides) throws ConfigException {
        ClientThread client = new ClientThread("client-" + id,
                ClientConfigLoader.load(null, false, ClientEnv.of(id, port, overrides)));
        client.thread.start();
        return client;
    }

    String name() {
        return name;
    }

    /** Waits for the client to finish and returns its exit status; fails the test after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException, ExecutionException {
        try {
            return status.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return fail("client " + name + " did not finish within " + timeout);
        }
    }

    /** Asks the client to stop and waits a bounded time for its thread; keeps the interrupt status. */
    @Override
    public void close() {
        stop.request();
        try {
            thread.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

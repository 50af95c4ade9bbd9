package lottery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.IntUnaryOperator;
import lottery.common.config.ConfigException;

/**
 * Agencies 1..N, each a real client on its own thread ({@link ClientThread}, named {@code client-ID}), all started
 * at once. {@link #close()} stops every one that is still running, so a failed test leaves none behind.
 */
final class ClientGroup implements AutoCloseable {
    private final List<ClientThread> clients = new ArrayList<>();

    private ClientGroup() {
    }

    /**
     * Starts agencies 1..{@code agencies}, agency A talking to 127.0.0.1:{@code portOf(A)}, each with the same
     * {@code settings} over testkit's ClientEnv (a {@code {id}} in a value is the agency's number, as in the
     * client's own config).
     */
    static ClientGroup start(int agencies, IntUnaryOperator portOf, Map<String, String> settings)
            throws ConfigException {
        ClientGroup group = new ClientGroup();
        try {
            for (int agency = 1; agency <= agencies; agency++) {
                group.clients.add(ClientThread.start(agency, portOf.applyAsInt(agency), settings));
            }
        } catch (ConfigException | RuntimeException e) {
            group.close();
            throw e;
        }
        return group;
    }

    /** Waits for each client in turn, up to {@code timeout} for each, and asserts that it exited with status 0. */
    void assertEveryExitIsZero(Duration timeout) throws InterruptedException, ExecutionException {
        for (ClientThread client : clients) {
            assertThat(client.awaitExit(timeout)).as("exit status of %s", client.name()).isZero();
        }
    }

    @Override
    public void close() {
        clients.forEach(ClientThread::close);
    }
}

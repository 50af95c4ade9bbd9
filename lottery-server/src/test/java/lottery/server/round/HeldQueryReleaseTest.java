package lottery.server.round;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.EventExecutor;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.WinnersQuery;
import lottery.server.LotteryServer;
import lottery.server.support.Frames;
import lottery.server.support.TestClient;
import lottery.server.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A winners query held for the draw is released when its peer goes away: many clients that finish, ask for the
 * winners and drop the connection leave nothing waiting in the coordinator (no callback, no memory held for a gone
 * connection).
 *
 * <p>The clients close either with a reset (linger 0), which the server sees at once as a closed connection, or with a
 * plain FIN, which looks exactly like a half-close (shut down its output, still reading): the server takes a FIN that
 * arrives while a query is held for a peer that is gone (docs/PROTOCOL.md §6.7), so both are released.
 */
@Timeout(60)
class HeldQueryReleaseTest {
    private static final int CLIENTS = 50;

    @TempDir
    Path dir;

    @Test
    void heldQueriesOfConnectionsClosedWithAResetAreReleased() throws Exception {
        heldQueriesAreReleased(true);
    }

    @Test
    void heldQueriesOfConnectionsClosedWithAFinAreReleased() throws Exception {
        heldQueriesAreReleased(false);
    }

    private void heldQueriesAreReleased(boolean reset) throws Exception {
        // One agency more than the clients: the draw never runs, so every query stays held until its peer closes.
        try (TestServer server = TestServer.start(dir, CLIENTS + 1)) {
            DrawCoordinator coordinator = field(server.server(), "coordinator", DrawCoordinator.class);
            EventExecutor lotteryThread = field(server.server(), "lotteryThread", EventExecutor.class);
            Callable<Integer> waiting = () -> lotteryThread.submit(coordinator::waitingCount).get();

            List<Socket> connected = new ArrayList<>();
            try {
                for (int agency = 1; agency <= CLIENTS; agency++) {
                    Socket client = new Socket(server.address().getAddress(), server.address().getPort());
                    connected.add(client);
                    ByteArrayOutputStream requests = new ByteArrayOutputStream();
                    requests.writeBytes(Frames.of(Hello.of(agency)));
                    requests.writeBytes(Frames.of(Finish.INSTANCE));
                    requests.writeBytes(Frames.of(WinnersQuery.INSTANCE));
                    client.getOutputStream().write(requests.toByteArray());
                }
                awaitEqual(waiting, CLIENTS, "every query held");
            } finally {
                for (Socket client : connected) {
                    if (reset) {
                        client.setSoLinger(true, 0);
                    }
                    client.close();
                }
            }
            awaitEqual(waiting, 0, "every held query released after its connection closed");
        }
    }

    /** Asks {@code value} until it equals {@code expected}; each question is a round trip to the lottery thread. */
    private static void awaitEqual(Callable<Integer> value, int expected, String what) throws Exception {
        long deadline = System.nanoTime() + TestClient.TIMEOUT.toNanos();
        int last;
        while ((last = value.call()) != expected && System.nanoTime() < deadline) {
            // The closes are on their way through the event loops; ask again shortly.
            TimeUnit.MILLISECONDS.sleep(Duration.ofMillis(5).toMillis());
        }
        assertThat(last).as(what).isEqualTo(expected);
    }

    private static <T> T field(LotteryServer server, String name, Class<T> type) throws ReflectiveOperationException {
        Field field = LotteryServer.class.getDeclaredField(name);
        field.setAccessible(true);
        return type.cast(field.get(server));
    }
}

package lottery.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listen address the server takes from its configuration (SERVER_IP), and interrupts while it starts. */
class LotteryServerTest {
    @TempDir
    Path dir;

    private InetSocketAddress startAndStop(ServerConfig config) throws Exception {
        LotteryServer server = new LotteryServer(config);
        try {
            return server.start();
        } finally {
            server.stop();
        }
    }

    private ServerConfig config(String listenAddress) {
        return new ServerConfig(0, 8, 1, dir.resolve("bets.csv"), 60, 1, false, "INFO", listenAddress);
    }

    @Test
    void listensOnTheConfiguredIpLiteral() throws Exception {
        assertThat(startAndStop(config("127.0.0.1")).getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void resolvesAHostNameWhenItStarts() throws Exception {
        assertThat(startAndStop(config("localhost")).getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void withoutAnAddressItListensOnEveryInterface() throws Exception {
        ServerConfig config = new ServerConfig(0, 8, 1, dir.resolve("bets.csv"), 60, 1, false, "INFO");

        assertThat(startAndStop(config).getAddress().isAnyLocalAddress()).isTrue();
    }

    @Test
    void anInterruptWhileStartingIsAnInterruptNotAnIoErrorAndStaysSet() {
        for (int attempt = 1; ; attempt++) {
            LotteryServer server = new LotteryServer(config("127.0.0.1"), InetAddress.getLoopbackAddress());
            // Set before start: the wait for the bind must report it.
            Thread.currentThread().interrupt();
            Exception thrown = null;
            try {
                server.start();
            } catch (Exception e) {
                thrown = e;
            }
            boolean stillInterrupted = Thread.interrupted();
            server.stop();

            assertThat(stillInterrupted).as("the interrupt is still set").isTrue();
            if (thrown != null) {
                assertThat(thrown).isInstanceOf(InterruptedException.class);
                return;
            }
            // The event loop bound the port before start() began to wait, so nothing waited: try again.
            assertThat(attempt).as("attempts in which the bind finished before the wait").isLessThan(20);
        }
    }
}

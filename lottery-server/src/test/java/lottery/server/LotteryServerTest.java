package lottery.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listen address the server takes from its configuration (SERVER_IP). */
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
}

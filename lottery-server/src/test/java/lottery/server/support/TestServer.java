package lottery.server.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import lottery.server.LotteryServer;
import lottery.server.ServerConfig;

/** An in-process server on a free loopback port, storing its bets in a test's temporary directory. */
public final class TestServer implements AutoCloseable {
    private final LotteryServer server;
    private final InetSocketAddress address;
    private final ServerConfig config;

    private TestServer(LotteryServer server, InetSocketAddress address, ServerConfig config) {
        this.server = server;
        this.address = address;
        this.config = config;
    }

    public static TestServer start(Path dir, int agencies) throws IOException, InterruptedException {
        return start(dir, agencies, 60);
    }

    public static TestServer start(Path dir, int agencies, int idleTimeoutSeconds)
            throws IOException, InterruptedException {
        return start(new ServerConfig(0, 128, agencies, dir.resolve("bets.csv"), idleTimeoutSeconds, 5, false,
                "INFO"));
    }

    public static TestServer start(ServerConfig config) throws IOException, InterruptedException {
        LotteryServer server = new LotteryServer(config, InetAddress.getLoopbackAddress());
        InetSocketAddress bound = server.start();
        return new TestServer(server, new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort()),
                config);
    }

    public InetSocketAddress address() {
        return address;
    }

    public LotteryServer server() {
        return server;
    }

    public Path storage() {
        return config.storagePath();
    }

    @Override
    public void close() {
        server.stop();
    }
}

package lottery.server.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import lottery.server.LotteryServer;
import lottery.server.ServerConfig;

/**
 * The real server ({@link LotteryServer}) in the test's JVM, on loopback, storing its bets in a test's temporary
 * directory: the one in-process server of every module's tests (lottery-server's own, and lottery-it's through
 * lottery-server's test jar). {@link #close()} stops it gracefully.
 */
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

    /**
     * A server on {@code port} (0: a free one) with the production defaults otherwise (no fsync, 60 s idle timeout, 5 s
     * shutdown grace): a test that restarts a server on the port its clients know.
     */
    public static TestServer startOnPort(Path dir, int agencies, int port) throws IOException, InterruptedException {
        return start(new ServerConfig(port, 128, agencies, dir.resolve("bets.csv"), 60, 5, false, "INFO"));
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

    public int port() {
        return address.getPort();
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

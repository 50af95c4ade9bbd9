package lottery.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A loopback port that nothing listens on: bound to port 0 by the system, then released. */
public final class FreePort {
    private FreePort() {
    }

    public static int pick() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}

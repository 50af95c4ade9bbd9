package lottery.bench;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import lottery.client.StopSignal;
import lottery.client.net.AddressResolver;
import lottery.client.net.ClientTls;
import lottery.client.net.ClientTransport;
import lottery.client.net.Connection;
import lottery.client.net.ServerAddress;
import lottery.common.log.Logging;
import lottery.server.LotteryServer;
import lottery.server.ServerConfig;
import lottery.server.net.TlsSettings;

/**
 * The cost of TLS per connection, client side: N connections one after the other, each a TCP connect, the TLS
 * handshake (none in {@code plain}), one echo line there and back, and a close, through the client's own transport
 * ({@link ClientTransport}, {@link ClientTls}) against an in-process server on loopback:
 * <pre>
 *   java -cp lottery-bench/target/lottery-bench.jar lottery.bench.TlsHandshakeBench plain|tls|mtls N TLS_DIR
 * </pre>
 * TLS_DIR holds {@code ca.pem}, {@code server.pem}, {@code server.key}, {@code agency-1.pem}, {@code agency-1.key}
 * (what {@code generar-compose.sh --tls} writes into {@code .secrets/tls/}). {@code tls}: the server's certificate
 * only; {@code mtls}: the agency's certificate too. The first N/4 connections warm the JIT up and are not counted.
 * Prints one line: {@code mode=... connections=N wall_ms_mean=... wall_ms_p50=... wall_ms_p99=...
 * client_cpu_ms=... server_cpu_ms=...}, the CPU figures per connection from the threads' CPU time (client: this
 * thread and the client's event loop; server: its acceptor and I/O threads), so that sharing one JVM does not mix
 * them.
 */
public final class TlsHandshakeBench {
    private TlsHandshakeBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !Arrays.asList("plain", "tls", "mtls").contains(args[0])) {
            System.err.println("usage: TlsHandshakeBench plain|tls|mtls N TLS_DIR");
            System.exit(2);
        }
        Logging.setRootLevel("WARN");
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        Path dir = Path.of(args[2]);
        Path state = Files.createTempDirectory("tls-bench");
        TlsSettings serverTls = mode.equals("plain") ? null : new TlsSettings(dir.resolve("server.pem"),
                dir.resolve("server.key"), mode.equals("mtls") ? dir.resolve("ca.pem") : null,
                mode.equals("mtls") ? TlsSettings.ClientAuth.REQUIRE : TlsSettings.ClientAuth.OFF, null, false);
        ServerConfig config = new ServerConfig(0, 128, 0, state.resolve("bets.csv"), 60, 1, false, "WARN")
                .withTls(serverTls);
        LotteryServer server = new LotteryServer(config, InetAddress.getLoopbackAddress());
        InetSocketAddress bound = server.start();
        ClientTls clientTls = mode.equals("plain") ? null : ClientTls.load(dir.resolve("ca.pem"),
                mode.equals("mtls") ? dir.resolve("agency-1.pem") : null,
                mode.equals("mtls") ? dir.resolve("agency-1.key") : null, "localhost");
        ServerAddress address = ServerAddress.parse("127.0.0.1:" + bound.getPort());
        StopSignal stop = new StopSignal();
        int warmup = n / 4;
        long[] wall = new long[n];
        Map<String, Long> cpuBefore = null;
        try (ClientTransport transport = new ClientTransport(1, stop, AddressResolver.SYSTEM, clientTls)) {
            for (int i = -warmup; i < n; i++) {
                if (i == 0) {
                    cpuBefore = threadCpu();
                }
                long start = System.nanoTime();
                Connection<String> connection = transport.connect(address, TlsHandshakeBench::lines, String.class,
                        Duration.ZERO);
                connection.send("ping\n");
                String answer = connection.receive(Connection.REPLY_TIMEOUT, false);
                connection.close();
                if (!answer.equals("ping")) {
                    throw new IllegalStateException("echo answered '" + answer + "'");
                }
                if (i >= 0) {
                    wall[i] = System.nanoTime() - start;
                }
            }
            Map<String, Long> cpuAfter = threadCpu();
            long client = 0;
            long serverCpu = 0;
            for (Map.Entry<String, Long> thread : cpuAfter.entrySet()) {
                long used = thread.getValue() - cpuBefore.getOrDefault(thread.getKey(), 0L);
                String name = thread.getKey();
                if (name.startsWith("io-") || name.startsWith("acceptor-") || name.startsWith("lottery-")) {
                    serverCpu += used;
                } else if (name.startsWith("main") || name.startsWith("multiThreadIoEventLoopGroup")) {
                    client += used;
                }
            }
            Arrays.sort(wall);
            PrintStream out = System.out;
            out.printf("mode=%s connections=%d wall_ms_mean=%.3f wall_ms_p50=%.3f wall_ms_p99=%.3f"
                            + " client_cpu_ms=%.3f server_cpu_ms=%.3f%n", mode, n,
                    Arrays.stream(wall).average().orElse(0) / 1e6, wall[n / 2] / 1e6, wall[(int) (n * 0.99)] / 1e6,
                    client / 1e6 / n, serverCpu / 1e6 / n);
        } finally {
            server.stop();
        }
    }

    private static void lines(ChannelPipeline pipeline) {
        pipeline.addLast(new LineBasedFrameDecoder(8192))
                .addLast(new StringDecoder(StandardCharsets.UTF_8))
                .addLast(new StringEncoder(StandardCharsets.UTF_8));
    }

    /** CPU time so far of every live thread, by name (names are unique enough here: one thread per name). */
    private static Map<String, Long> threadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    cpu.merge(info.getThreadName(), nanos, Long::sum);
                }
            }
        }
        return cpu;
    }
}

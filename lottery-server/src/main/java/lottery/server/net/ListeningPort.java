package lottery.server.net;

import io.netty.channel.ChannelFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * The lottery port, bound with the JDK alone as the server's first step, before Netty, the storage or TLS are
 * loaded: from then on the kernel completes the agencies' connections and queues them in the backlog (their HELLOs
 * and first batches wait in the socket buffers) instead of refusing them, so an agency started with the server does
 * not spend its start retrying. Nothing is accepted (read from the backlog) until the server hands the socket to
 * Netty ({@link #channelFactory()}, registered with AUTO_READ off) and the round is open.
 *
 * <p>Thread context: bound by the thread that starts the server; from {@link #channelFactory()} on, the socket
 * belongs to the Netty channel made of it, which closes it. Before that, {@link #close()} (a failed start) does.
 */
public final class ListeningPort implements Closeable {
    private final ServerSocketChannel socket;
    private boolean handedOver;

    private ListeningPort(ServerSocketChannel socket) {
        this.socket = socket;
    }

    /**
     * Binds {@code address}:{@code port} with an accept queue of {@code backlog} (as Netty would: SO_REUSEADDR on, so
     * a restarted server binds while old connections linger in TIME_WAIT).
     *
     * @throws IOException when the port cannot be bound; the message says which address and port
     */
    public static ListeningPort bind(InetAddress address, int port, int backlog) throws IOException {
        ServerSocketChannel socket = ServerSocketChannel.open();
        try {
            socket.bind(new InetSocketAddress(address, port), backlog);
        } catch (IOException | RuntimeException e) {
            socket.close();
            // Which address and port: with SERVER_IP set, "Cannot assign requested address" alone does not say.
            throw new IOException("cannot listen on " + address.getHostAddress() + " port " + port + ": "
                    + e.getMessage(), e);
        }
        return new ListeningPort(socket);
    }

    /** The address bound (its port is the real one when 0 was asked for). */
    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) socket.getLocalAddress();
    }

    /**
     * What makes the server's Netty channel of this socket (ServerBootstrap {@code .channelFactory}, then
     * {@code register()}, not {@code bind()}: it is bound already). Once it has made the channel, the channel owns the
     * socket; it makes one.
     */
    public ChannelFactory<ServerChannel> channelFactory() {
        return () -> {
            ServerSocketChannel owned = handOver();
            try {
                return new NioServerSocketChannel(owned);
            } catch (RuntimeException e) {
                closeQuietly(owned, e);
                throw e;
            }
        };
    }

    private synchronized ServerSocketChannel handOver() {
        if (handedOver) {
            throw new IllegalStateException("the listening socket was handed over already");
        }
        handedOver = true;
        return socket;
    }

    private static void closeQuietly(ServerSocketChannel socket, RuntimeException failure) {
        try {
            socket.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Closes the socket unless a Netty channel owns it (it is then closed with that channel). */
    @Override
    public synchronized void close() throws IOException {
        if (!handedOver) {
            socket.close();
        }
    }
}

package lottery.client.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.time.Duration;

/**
 * One open connection to the server as the client thread sees it: send a message, wait for the next one, close.
 * Writes are asynchronous (Netty's event loop does the socket work, short writes included); a failed write shows
 * up in the next {@link #receive}.
 *
 * @param <T> the type of the messages the pipeline decodes
 */
public final class Connection<T> implements AutoCloseable {
    /** How long the client waits for the answer to a request (an echo line, an Ack). */
    public static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);
    private static final long CLOSE_WAIT_MILLIS = 3_000;

    private final Channel channel;
    private final Inbox<T> inbox;

    Connection(Channel channel, Inbox<T> inbox) {
        this.channel = channel;
        this.inbox = inbox;
    }

    /** Queues {@code message} for writing and flushes it; does not wait. */
    public void send(Object message) {
        channel.writeAndFlush(message).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                inbox.writeFailed(future.cause());
            }
        });
    }

    /** See {@link Inbox#receive(Duration, boolean)}. */
    public T receive(Duration timeout, boolean abortOnStop) throws ExchangeException, StoppedException {
        return inbox.receive(timeout, abortOnStop);
    }

    /** Closes the socket and waits (boundedly) until it is closed. Idempotent. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
    }
}

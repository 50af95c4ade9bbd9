package lottery.client.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import lottery.client.GoDuration;
import lottery.client.StopSignal;
import lottery.common.log.LogText;

/**
 * The last handler of a client pipeline: it hands every decoded message, failure and close from the event loop to
 * the client's own thread through a queue, and that thread waits in {@link #receive}. The event loop never blocks
 * and the client code stays sequential ("send, then wait for the answer"), as the assignment's protocol is.
 *
 * <p>A stop request puts a marker in the queue, so a wait that should end on SIGTERM (the winners) wakes up at
 * once, while a wait that should finish its exchange (the Ack of a batch in flight) keeps waiting, but never past
 * {@link StopSignal#STOP_GRACE} after the request ({@link StopSignal#cap}): the marker wakes one wait, the recorded
 * request time bounds every later one.
 *
 * <p>Thread context: the handler methods run on the channel's event loop; {@link #receive} runs on the client
 * thread. One instance per channel.
 *
 * @param <T> the type of the decoded messages
 */
public final class Inbox<T> extends SimpleChannelInboundHandler<T> {
    private sealed interface Event permits Received, Failed, Closed, Stopped {
    }

    private record Received<T>(T message) implements Event {
    }

    private record Failed(Throwable cause) implements Event {
    }

    private record Closed() implements Event {
    }

    private record Stopped() implements Event {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final StopSignal stop;
    private StopSignal.Registration stopRegistration;
    /** Whether the TLS failure of this connection was logged (client thread only). */
    private boolean tlsLogged;

    public Inbox(Class<T> type, StopSignal stop) {
        super(type);
        this.stop = stop;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        stopRegistration = stop.onStop(() -> events.add(new Stopped()));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stopRegistration.close();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, T message) {
        events.add(new Received<>(message));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        events.add(new Failed(cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        events.add(new Closed());
        ctx.fireChannelInactive();
    }

    /** Reports a failed write; the next {@link #receive} throws it. Any thread. */
    void writeFailed(Throwable cause) {
        events.add(new Failed(cause));
    }

    /**
     * Waits for the next message.
     *
     * @param timeout     how long to wait
     * @param abortOnStop whether a stop request ends the wait at once; otherwise the wait goes on until the end of
     *                    the stop grace ({@link StopSignal#cap})
     * @throws ExchangeException on a timeout, a closed connection, a failed write or an unreadable frame
     * @throws StoppedException  when a stop was requested and {@code abortOnStop}, or the stop grace ran out
     */
    public T receive(Duration timeout, boolean abortOnStop) throws ExchangeException, StoppedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // Each turn returns, throws, or consumes the single stop marker, so the loop is bounded.
        while (true) {
            if (abortOnStop && stop.isRequested()) {
                throw new StoppedException();
            }
            long limit = stop.cap(deadline);
            Event event = poll(limit - System.nanoTime());
            if (event == null) {
                if (limit != deadline) {
                    throw new StoppedException(); // the stop grace ran out before the answer came
                }
                throw new ReplyTimeoutException("no answer from the server within " + GoDuration.of(timeout));
            }
            if (event instanceof Received<?> received) {
                @SuppressWarnings("unchecked") // only channelRead0 adds Received, with a T
                T message = (T) received.message();
                return message;
            } else if (event instanceof Failed failed) {
                if (failed.cause() instanceof TlsHandshakeException tls) {
                    events.add(event); // stays failed for any later receive
                    if (!tlsLogged) {
                        tlsLogged = true;
                        TlsAlerts.log(tls);
                    }
                    throw new TlsHandshakeException(tls.getMessage(), tls.reason(), tls.getCause());
                }
                throw new ExchangeException(describe(failed.cause()), failed.cause());
            } else if (event instanceof Closed) {
                events.add(event); // stays closed for any later receive
                throw new ExchangeException("the server closed the connection");
            }
            // Stopped: the next turn sees the request and shortens the wait.
        }
    }

    private Event poll(long nanos) throws StoppedException {
        try {
            return nanos > 0 ? events.poll(nanos, TimeUnit.NANOSECONDS) : events.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoppedException();
        }
    }

    private static String describe(Throwable cause) {
        if (cause instanceof DecoderException) {
            return "unreadable frame from the server: " + LogText.clean(cause.getMessage());
        }
        return "connection error: " + LogText.clean(cause.getMessage() == null ? cause.toString() : cause.getMessage());
    }

    /** No: one per channel. Answered here so that Netty does not read annotations (LotteryPipeline). */
    @Override
    public boolean isSharable() {
        return false;
    }
}

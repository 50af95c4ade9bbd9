package lottery.server.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.concurrent.atomic.AtomicInteger;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.Winners;

/**
 * Back-pressure of one lottery connection: decides when it is read. It counts the requests handed to the lottery
 * thread and not yet answered; reading stops at {@value #HIGH_WATER} of them and resumes at {@value #LOW_WATER}, and
 * it also stops while the answers cannot be written (a peer that does not read). So a client that pipelines faster
 * than the lottery thread stores, or that does not read its answers, has its requests wait in its own socket, not in
 * the server's memory, and other connections are not slowed. A held winners query counts as unanswered, so the
 * requests behind it are bounded the same way.
 *
 * <p>Thread context: the count goes up on the channel's event loop and down on the lottery thread (the only state
 * two threads share, hence atomic); auto-read is only ever set on the event loop, from the current state, so no two
 * threads race to set it.
 */
final class ReadThrottle {
    /** Unanswered requests at which reading stops. */
    static final int HIGH_WATER = 32;
    /** Unanswered requests at which reading resumes. */
    static final int LOW_WATER = 8;

    private final Channel channel;
    private final EventLoop eventLoop;
    private final AtomicInteger unanswered = new AtomicInteger();

    ReadThrottle(Channel channel) {
        this.channel = channel;
        this.eventLoop = channel.eventLoop();
    }

    /** On the event loop: a request is handed to the lottery thread. */
    void requestIn() {
        if (unanswered.incrementAndGet() >= HIGH_WATER) {
            update();
        }
    }

    /**
     * Any thread: {@code reply} was sent. It ends the answer of the oldest unanswered request unless it is a Winners
     * frame with more to follow (docs/PROTOCOL.md §6.3: one answer per request, in request order). A reply that
     * answers no request is always fatal, and the count no longer matters once the connection closes.
     */
    void replied(LotteryMessage reply) {
        if (reply instanceof Winners frame && !frame.last()) {
            return;
        }
        if (unanswered.decrementAndGet() <= LOW_WATER && !channel.config().isAutoRead()) {
            update();
        }
    }

    /** Whether every request handed over has been answered (a held query has not). */
    boolean allAnswered() {
        return unanswered.get() <= 0;
    }

    /**
     * Sets auto-read from the current state, on the event loop: reading iff the channel is writable and fewer than
     * {@value #HIGH_WATER} requests are unanswered (once paused: at most {@value #LOW_WATER}).
     */
    void update() {
        if (!eventLoop.inEventLoop()) {
            eventLoop.execute(this::update);
            return;
        }
        boolean reading = channel.config().isAutoRead();
        boolean read = shouldRead(reading);
        if (read != reading) {
            channel.config().setAutoRead(read);
            // The last answers may have come between the check and the pause, and seen auto-read still on, so they
            // did not ask for this update: look again, or nothing would ever resume reading.
            if (!read && shouldRead(false)) {
                channel.config().setAutoRead(true);
            }
        }
    }

    private boolean shouldRead(boolean reading) {
        int waiting = unanswered.get();
        return channel.isWritable() && (reading ? waiting < HIGH_WATER : waiting <= LOW_WATER);
    }
}

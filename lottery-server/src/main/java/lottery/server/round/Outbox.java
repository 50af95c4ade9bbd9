package lottery.server.round;

import java.util.ArrayDeque;
import java.util.Deque;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.LotteryMessage;

/**
 * One connection's answers in request order, when some of them wait: an Ack leaves only once what it acknowledges is
 * durable (docs/PROTOCOL.md §6.4), and every answer behind it, and the close, wait for it too (§6.3). While nothing
 * waits, answers go straight to the {@link Replies}.
 *
 * <p>Entries, oldest first: a {@linkplain Ready ready} message, an answer {@linkplain Durable waiting for durability},
 * and the {@linkplain Close close} of the connection.
 *
 * <p>Thread context: used only on the lottery thread, by its {@link AgencyConversation}; plain fields.
 */
final class Outbox {
    /** Something to do on the connection, in its turn. */
    private sealed interface Entry permits Ready, Durable, Close {
    }

    /** A message that leaves as soon as every entry before it has. */
    private record Ready(LotteryMessage message) implements Entry {
    }

    /** Closes the connection, once every entry before it has left. */
    private enum Close implements Entry {
        CLOSE
    }

    /**
     * An answer that waits until what it acknowledges is durable: {@link #complete} gives the answer that leaves (the
     * Ack, or the ERROR that takes its place).
     */
    static final class Durable implements Entry {
        private LotteryMessage answer;
        private boolean done;

        private Durable(LotteryMessage answer) {
            this.answer = answer;
        }

        /** The wait is over: {@code answer} leaves in this entry's turn. */
        void complete(LotteryMessage answer) {
            this.answer = answer;
            this.done = true;
        }
    }

    private final Replies replies;
    private final Deque<Entry> entries = new ArrayDeque<>();

    /** @param replies the way back to the agency */
    Outbox(Replies replies) {
        this.replies = replies;
    }

    /** Sends {@code message} after every entry before it: at once when nothing waits. */
    void send(LotteryMessage message) {
        if (entries.isEmpty()) {
            replies.send(message);
        } else {
            entries.add(new Ready(message));
        }
    }

    /**
     * Queues {@code answer}, to leave in its turn once {@link Durable#complete} is called on the returned entry
     * (then {@link #flush}).
     */
    Durable sendWhenDurable(LotteryMessage answer) {
        Durable durable = new Durable(answer);
        entries.add(durable);
        return durable;
    }

    /** Closes the connection after every entry before: at once when nothing waits. */
    void close() {
        if (entries.isEmpty()) {
            replies.close();
        } else {
            entries.add(Close.CLOSE);
        }
    }

    /**
     * Sends what the outbox holds, up to the first answer still waiting for durability; closes the connection when
     * its turn comes (and drops whatever is behind the close).
     *
     * @return an ERROR that took the place of an Ack (its force failed, or its session was taken over): it was sent,
     *         and flushing stopped right after it, since nothing behind it can be trusted: the caller ends the
     *         connection ({@link #abort}). Null otherwise.
     */
    ErrorReply flush() {
        while (!entries.isEmpty()) {
            Entry head = entries.peek();
            if (head instanceof Ready ready) {
                entries.poll();
                replies.send(ready.message());
            } else if (head instanceof Durable durable) {
                if (!durable.done) {
                    return null;
                }
                entries.poll();
                replies.send(durable.answer);
                if (durable.answer instanceof ErrorReply failed) {
                    return failed;
                }
            } else {
                entries.clear();
                replies.close();
                return null;
            }
        }
        return null;
    }

    /** Drops every entry and closes the connection now. */
    void abort() {
        entries.clear();
        replies.close();
    }

    /** Drops every entry: the connection is gone. */
    void discard() {
        entries.clear();
    }
}

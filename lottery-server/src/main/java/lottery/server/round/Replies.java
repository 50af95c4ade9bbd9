package lottery.server.round;

import lottery.protocol.message.LotteryMessage;

/**
 * How an {@link AgencyConversation} talks back to its agency: the connection, seen from the lottery thread. The
 * network side implements it ({@code lottery.server.net.ChannelReplies}); tests record the calls.
 *
 * <p>Thread context: called on the lottery thread only, by the conversation's {@link Outbox}; an implementation must
 * not block it (the network one hands each write to the channel's event loop).
 */
public interface Replies {

    /** Sends {@code message} after every message sent before it. Never blocks. */
    void send(LotteryMessage message);

    /** Closes the connection once every message sent before has been written. Nothing is sent afterwards. */
    void close();
}

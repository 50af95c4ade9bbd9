package lottery.protocol.message;

/**
 * The server did what a request asked.
 *
 * @param ref    the type of the request acknowledged (HELLO, BET, BATCH or FINISH)
 * @param seq    the batch sequence number for a BATCH, 0 otherwise
 * @param stored bets stored by this request (the batch size, 1 for a BET, 0 for HELLO); for FINISH, every bet the
 *               agency has stored
 */
public record Ack(MessageType ref, long seq, long stored) implements LotteryMessage {

    public Ack {
        if (ref == null || ref.direction() != MessageType.Direction.TO_SERVER) {
            throw new IllegalArgumentException("an Ack refers to a client request, not " + ref);
        }
        Limits.checkU32("seq", seq);
        Limits.checkU32("stored", stored);
    }

    @Override
    public MessageType type() {
        return MessageType.ACK;
    }
}

package lottery.protocol.message;

/**
 * A message of the lottery protocol (docs/PROTOCOL.md). Every message is an immutable record that holds plain Java
 * values only; its compact constructor rejects values the wire cannot carry, so an invalid message cannot exist.
 */
public sealed interface LotteryMessage
        permits Hello, Bet, Batch, BatchBytes, Finish, WinnersQuery, Ack, ErrorReply, Winners {

    /** The wire type of this message. */
    MessageType type();
}

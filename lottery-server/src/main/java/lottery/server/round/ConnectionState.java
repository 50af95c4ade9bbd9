package lottery.server.round;

/**
 * Where one connection stands in the lifecycle of docs/PROTOCOL.md §6, which decides what its next request gets. The
 * states are §6's, one to one: its rules "HELLO first" (6.1), "Then" (6.2), "WINNERS_QUERY is held until the draw"
 * (6.5) and "Closing" (6.7, with §7's fatal errors), and the closed connection.
 *
 * <p>Not states of the connection: whether the agency has sent FINISH, which is the agency's, on any connection
 * (§6.2, {@link DrawCoordinator#hasFinished}); and a half-close, after which every request has arrived and been
 * answered, so the connection goes straight to {@link #CLOSING} (or, with a query held, the peer is taken as gone).
 *
 * <p>Thread context: immutable (an enum); the {@link AgencyConversation} that holds a connection's state reads and
 * changes it on the lottery thread only.
 */
enum ConnectionState {
    /** §6.1, HELLO first: no handshake yet; anything but a HELLO is HANDSHAKE_REQUIRED. */
    AWAITING_HELLO,
    /** §6.2, then: the HELLO fixed the agency; BET, BATCH, FINISH and WINNERS_QUERY are answered in turn. */
    SESSION,
    /**
     * §6.5: a WINNERS_QUERY is held until the draw; requests behind it wait, unanswered, and idleness does not count.
     */
    HOLDING_WINNERS,
    /**
     * §6.7 and §7: the conversation is over (a fatal error, a half-close, idleness, a force that failed); nothing
     * more is answered, and the connection closes once the answers already given are written.
     */
    CLOSING,
    /** The connection is gone: nothing is sent any more. */
    CLOSED;

    /** Whether nothing more is answered. */
    boolean ended() {
        return this == CLOSING || this == CLOSED;
    }

    /** Whether a conversation in this state may go to {@code next}. */
    boolean canBecome(ConnectionState next) {
        return switch (this) {
            case AWAITING_HELLO -> next == SESSION || next.ended();
            case SESSION -> next == HOLDING_WINNERS || next.ended();
            case HOLDING_WINNERS -> next == SESSION || next.ended();
            // A force that fails after the last answer ends it again; a closed connection stays closed.
            case CLOSING -> next.ended();
            case CLOSED -> next == CLOSED;
        };
    }
}

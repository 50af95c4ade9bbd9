package lottery.protocol.message;

/**
 * The numeric codes carried by an {@link ErrorReply}; docs/PROTOCOL.md §7 has the same table. A code that
 * {@linkplain #closesConnection() closes the connection} means the peer can no longer be trusted to be in step with
 * the protocol; the others reject one request and the connection stays usable. A code that
 * {@linkplain #isRetryable() is retryable} refuses the connection for the server's state of the moment, not for
 * anything the client sent.
 */
public enum ErrorCode {
    /** A frame whose body does not have the layout its type requires (truncated, trailing bytes, bad count). */
    MALFORMED_FRAME(1, true),
    /** A length prefix announcing a frame over the 8192-byte limit. */
    FRAME_TOO_LARGE(2, true),
    /** A type byte that names no message type. */
    UNKNOWN_TYPE(3, true),
    /** Anything but a Hello as the first frame, or a second Hello. */
    HANDSHAKE_REQUIRED(4, true),
    /** A Hello whose magic is not {@code TP0L}. */
    BAD_MAGIC(5, true),
    /** A Hello with a protocol version the server does not speak. */
    UNSUPPORTED_VERSION(6, true),
    /** A Hello from an agency the server does not wait for. */
    UNKNOWN_AGENCY(7, true),
    /** A message that only the other side may send (e.g. an Ack sent to the server). */
    UNEXPECTED_MESSAGE(8, true),
    /** A Hello whose secret is missing or wrong for its agency (the server has agency secrets configured). */
    AUTHENTICATION_FAILED(9, true),
    /** A well-framed Bet or Batch holding an invalid field: nothing of it is stored. */
    INVALID_BET(10, false),
    /** A Bet or Batch from an agency that already sent Finish: nothing of it is stored. */
    BET_AFTER_FINISH(11, false),
    /** A second Finish from the same agency (version 1 servers before resume; the server now Acks it again). */
    ALREADY_FINISHED(12, false),
    /** A WINNERS_QUERY from an agency that has not sent FINISH: its winners would never come. */
    FINISH_REQUIRED(13, false),
    /** A Hello for an agency that already has a live session on another connection. */
    AGENCY_BUSY(14, true),
    /** A Batch whose seq is not the agency's next one (the last stored seq + 1): nothing of it is stored. */
    SEQUENCE_GAP(15, false),
    /** No Hello completed within the server's handshake deadline. */
    HANDSHAKE_TIMEOUT(16, true),
    /** The server could not write the bets to its store: nothing of the batch is stored. */
    STORAGE_FAILURE(20, false),
    /** The server is stopping and takes no new work. */
    SHUTTING_DOWN(21, true),
    /** The connection sent nothing for longer than the server's idle timeout. */
    IDLE_TIMEOUT(22, true),
    /** The server already holds its maximum number of connections; this one is closed at once. */
    TOO_MANY_CONNECTIONS(23, true),
    /**
     * The server has TLS on (SERVER_TLS_CERT) and the connection spoke the plain lottery protocol: it must connect
     * again with TLS. Not retryable: a plain client gets the same answer every time.
     */
    TLS_REQUIRED(25, true),
    /** An unexpected failure inside the server. */
    INTERNAL_ERROR(99, true);

    /** Indexed by code: the codes are small numbers (the largest is 99), so an array is the lookup table. */
    private static final ErrorCode[] BY_CODE;

    static {
        int largest = 0;
        for (ErrorCode value : values()) {
            largest = Math.max(largest, value.code);
        }
        BY_CODE = new ErrorCode[largest + 1];
        for (ErrorCode value : values()) {
            if (BY_CODE[value.code] != null) {
                throw new AssertionError("duplicate error code " + value.code);
            }
            BY_CODE[value.code] = value;
        }
    }

    private final int code;
    private final boolean closesConnection;

    ErrorCode(int code, boolean closesConnection) {
        this.code = code;
        this.closesConnection = closesConnection;
    }

    public int code() {
        return code;
    }

    public boolean closesConnection() {
        return closesConnection;
    }

    /**
     * Whether a client that gets this code should connect again (with backoff), say HELLO and go on from the resume
     * point, instead of failing: the code is about the server's state of the moment (the agency's other session,
     * a stop, a timeout, the connection limit), so a later connection may be served. Any other code says the
     * request or the agency is wrong, and sending it again gets the same answer. docs/PROTOCOL.md §7 lists the same
     * codes under "Retryable errors".
     */
    public boolean isRetryable() {
        return switch (this) {
            case AGENCY_BUSY, HANDSHAKE_TIMEOUT, SHUTTING_DOWN, IDLE_TIMEOUT, TOO_MANY_CONNECTIONS -> true;
            default -> false;
        };
    }

    /** The error code with this number, or {@code null} if there is none. */
    public static ErrorCode fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}

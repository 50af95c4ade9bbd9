package lottery.protocol.codec;

import io.netty.handler.codec.DecoderException;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.MessageType;

/**
 * Bad input from the peer, typed with the {@link ErrorCode} the server answers with. The decoders throw nothing
 * else; a handler turns it into an {@link ErrorReply} and closes the connection when
 * {@link ErrorCode#closesConnection()} says so.
 */
public final class ProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final MessageType ref;
    private final long seq;
    private final int count;

    /**
     * @param code  what went wrong
     * @param ref   the type of the message that was refused, {@code null} if unknown
     * @param seq   the batch sequence number when {@code ref} is BATCH, else 0
     * @param count how many bets the refused message announced (0 if none or unknown)
     */
    public ProtocolException(ErrorCode code, MessageType ref, long seq, int count, String reason, Throwable cause) {
        super(reason, cause);
        this.code = code;
        this.ref = ref;
        this.seq = seq;
        this.count = count;
    }

    public ProtocolException(ErrorCode code, String reason) {
        this(code, null, 0, 0, reason, null);
    }

    public ErrorCode code() {
        return code;
    }

    /** The type of the refused message, or {@code null}. */
    public MessageType ref() {
        return ref;
    }

    public long seq() {
        return seq;
    }

    public int count() {
        return count;
    }

    /** Whether the connection must close after the error reply. */
    public boolean closesConnection() {
        return code.closesConnection();
    }

    /** The reply the peer gets for this error. */
    public ErrorReply toReply() {
        return ErrorReply.of(code, ref, seq, getMessage());
    }
}

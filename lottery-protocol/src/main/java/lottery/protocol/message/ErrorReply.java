package lottery.protocol.message;

import java.nio.charset.StandardCharsets;

/**
 * The server refused a request, or the connection as a whole.
 *
 * @param code   what went wrong; when {@link ErrorCode#closesConnection()} the server closes the connection after
 *               sending this reply
 * @param ref    the type of the request refused, or {@code null} when it is unknown (a frame that could not be read)
 * @param seq    the batch sequence number when {@code ref} is BATCH, 0 otherwise
 * @param reason a short human-readable explanation, at most 255 bytes of UTF-8 (see {@link #of})
 */
public record ErrorReply(ErrorCode code, MessageType ref, long seq, String reason) implements LotteryMessage {

    public ErrorReply {
        if (code == null) {
            throw new IllegalArgumentException("error code is missing");
        }
        Limits.checkU32("seq", seq);
        Limits.checkText("reason", reason, true);
    }

    /** An error reply whose reason is cut to what the wire carries and cleaned of control characters. */
    public static ErrorReply of(ErrorCode code, MessageType ref, long seq, String reason) {
        return new ErrorReply(code, ref, seq, fitReason(reason == null ? "" : reason));
    }

    private static String fitReason(String reason) {
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x20 || cp == 0x7F || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
                cp = ' ';
            }
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > Limits.MAX_STRING_BYTES) {
                break;
            }
            bytes += size;
            out.appendCodePoint(cp);
        }
        return out.toString();
    }

    @Override
    public MessageType type() {
        return MessageType.ERROR;
    }
}

package lottery.protocol.message;

/**
 * The first frame of every lottery connection: who the agency is and which protocol version it speaks. The server
 * takes the agency of every later message from this handshake, never from a per-message field.
 *
 * @param version protocol version, 1..255 (this implementation speaks {@link #CURRENT_VERSION})
 * @param agency  agency number, 1..65535
 * @param secret  optional shared secret of the agency, "" when none (at most 255 bytes of UTF-8)
 */
public record Hello(int version, int agency, String secret) implements LotteryMessage {
    public static final int CURRENT_VERSION = 1;

    public Hello {
        if (version < 1 || version > 0xFF) {
            throw new IllegalArgumentException("version " + version + " is not in 1..255");
        }
        if (agency < 1 || agency > Limits.MAX_U16) {
            throw new IllegalArgumentException("agency " + agency + " is not in 1.." + Limits.MAX_U16);
        }
        Limits.checkText("secret", secret, true);
    }

    /** The handshake of {@code agency} at the current version, without a secret. */
    public static Hello of(int agency) {
        return new Hello(CURRENT_VERSION, agency, "");
    }

    @Override
    public MessageType type() {
        return MessageType.HELLO;
    }

    @Override
    public String toString() {
        // Never print the secret.
        return "Hello[version=" + version + ", agency=" + agency + ", secret=" + (secret.isEmpty() ? "" : "***") + "]";
    }
}

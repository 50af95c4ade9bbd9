package lottery.protocol.codec;

/**
 * Writes a String's UTF-8 bytes straight into an array, without the intermediate array of
 * {@code String.getBytes}: the encoder of the wire's str8 fields ({@link Wire}) and of the bets file's fields
 * (lottery-server's {@code BetCsv}), which both write many short names into one reused array. An unpaired surrogate
 * becomes {@code '?'}, as {@code String.getBytes(UTF_8)} and Netty's {@code writeUtf8} write it.
 *
 * <p>Example: {@code put(bytes, 0, "Peña \"J\"", true)} writes {@code 50 65 C3 B1 61 20 22 22 4A 22 22} and returns 11.
 */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * Puts the UTF-8 of {@code value} at {@code at}, each {@code "} twice when {@code doubleQuotes} (a quoted CSV
     * field); the array must have room for three bytes per char of {@code value} (a surrogate pair takes four, a
     * doubled quote two). Returns the index after the last byte written.
     */
    public static int put(byte[] bytes, int at, String value, boolean doubleQuotes) {
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (c == '"' && doubleQuotes) {
                    bytes[at++] = '"';
                }
                bytes[at++] = (byte) c;
            } else if (c < 0x800) {
                bytes[at++] = (byte) (0xC0 | (c >> 6));
                bytes[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (!Character.isSurrogate(c)) {
                bytes[at++] = (byte) (0xE0 | (c >> 12));
                bytes[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                bytes[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < length
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, value.charAt(++i));
                bytes[at++] = (byte) (0xF0 | (codePoint >> 18));
                bytes[at++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
                bytes[at++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
                bytes[at++] = (byte) (0x80 | (codePoint & 0x3F));
            } else {
                bytes[at++] = '?';
            }
        }
        return at;
    }
}

package lottery.protocol.message;

/** The limits of docs/PROTOCOL.md and the field checks that the message records share. */
public final class Limits {
    /** No frame, its 4-byte length prefix included, is longer than this (the statement's 8 kB). */
    public static final int MAX_FRAME_BYTES = 8192;
    /** Bytes of the length prefix. */
    public static final int LENGTH_FIELD_BYTES = 4;
    /** Largest value of the length prefix: the type byte plus the body. */
    public static final int MAX_FRAME_LENGTH = MAX_FRAME_BYTES - LENGTH_FIELD_BYTES;
    /** Largest UTF-8 length of a name, a secret or an error reason (a one-byte length prefix). */
    public static final int MAX_STRING_BYTES = 255;
    /** Largest number of digits in a document. */
    public static final int MAX_DOCUMENT_DIGITS = 20;
    /** Bet numbers are 0..9999. */
    public static final int MAX_NUMBER = 9999;
    /** Largest value of an unsigned 16-bit field (agency, counts). */
    public static final int MAX_U16 = 0xFFFF;
    /** Largest value of an unsigned 32-bit field (sequence numbers, stored counts). */
    public static final long MAX_U32 = 0xFFFF_FFFFL;

    private Limits() {
    }

    /**
     * The UTF-8 length of {@code value}, checking that it is well-formed text (no unpaired surrogate) and holds no
     * control character, and that it is at most {@link #MAX_STRING_BYTES} long.
     *
     * @throws IllegalArgumentException naming {@code field} when one of those does not hold
     */
    public static int checkText(String field, String value, boolean allowEmpty) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (!allowEmpty && value.isBlank()) {
            throw new IllegalArgumentException(field + " is empty");
        }
        // One pass computes the UTF-8 length and rejects what UTF-8 or a CSV row cannot carry safely.
        int bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw new IllegalArgumentException(field + " holds a control character");
            } else if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(field + " is not valid Unicode text (unpaired surrogate)");
            } else {
                bytes += 3;
            }
        }
        if (bytes > MAX_STRING_BYTES) {
            throw new IllegalArgumentException(field + " is " + bytes + " bytes of UTF-8, over " + MAX_STRING_BYTES);
        }
        return bytes;
    }

    public static long checkU32(String field, long value) {
        if (value < 0 || value > MAX_U32) {
            throw new IllegalArgumentException(field + " " + value + " is not in 0.." + MAX_U32);
        }
        return value;
    }

    /**
     * Whether the UTF-8 bytes {@code b[from, to)} are plain text that {@link #checkText} accepts: printable ASCII
     * (0x20..0x7E) and Latin-1 letters (C2 or C3 and a continuation byte: U+0080..U+00FF, none of them a control
     * character of checkText nor whitespace), not only spaces. One pass, no object; text that is not plain (other
     * scripts, bad bytes, controls) needs the full check on its decoded String.
     */
    public static boolean isPlainText(byte[] b, int from, int to) {
        boolean blank = true;
        for (int k = from; k < to; k++) {
            byte c = b[k];
            if (c > 0x20 && c < 0x7F) {
                blank = false;
            } else if (c == 0x20) {
                continue;
            } else if ((c == (byte) 0xC2 || c == (byte) 0xC3) && k + 1 < to && (b[k + 1] & 0xC0) == 0x80) {
                blank = false;
                k++;
            } else {
                return false;
            }
        }
        return !blank;
    }

    /** Days of {@code month} (1..12) in {@code year} of the proleptic Gregorian calendar (LocalDate's). */
    public static int daysIn(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }
}

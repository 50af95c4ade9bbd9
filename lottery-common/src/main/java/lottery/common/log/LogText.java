package lottery.common.log;

/**
 * Keeps outside text (a peer's echo line, a server's reason, an exception message, a config value) from breaking the
 * one-line {@code action: X | result: Y | key: value} log format, which the course's log parser splits on {@code |}.
 */
public final class LogText {
    /** What stands for {@code |} in a log line: ASCII, so a log read in any charset shows it, and never a separator. */
    public static final char BAR_REPLACEMENT = '/';

    private LogText() {
    }

    /**
     * The text as it goes into a log line: {@code ""} for {@code null}; a line break ({@code \r\n}, {@code \r} or
     * {@code \n}) and any other control character (a tab, a NUL) becomes one space; {@code |} becomes
     * {@value #BAR_REPLACEMENT}. Nothing else changes, not even leading or trailing spaces.
     */
    public static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                continue; // CRLF is one line break: its LF below becomes the one space
            }
            out.append(c == '|' ? BAR_REPLACEMENT : Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString();
    }
}

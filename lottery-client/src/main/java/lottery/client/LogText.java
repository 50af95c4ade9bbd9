package lottery.client;

/**
 * Keeps outside text (exception messages, server reasons, CSV content) from breaking the one-line
 * {@code key: value | key: value} log format that the black-box tests split on {@code |}.
 */
public final class LogText {
    private LogText() {
    }

    /** {@code text} with line breaks turned into spaces and {@code |} into {@code /}; "" for {@code null}. */
    public static String clean(String text) {
        if (text == null) {
            return "";
        }
        return text.replace('|', '/').replace("\r\n", " ").replace('\r', ' ').replace('\n', ' ').strip();
    }
}

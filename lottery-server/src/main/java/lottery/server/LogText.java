package lottery.server;

/** Makes text from outside (a peer, a config file) safe to put into a log line. */
public final class LogText {
    private LogText() {
    }

    /**
     * The text as it goes into a log line: {@code |} separates the fields of a log line
     * ({@code action: X | result: Y | key: value}), so it becomes {@code ¦}, and control characters become spaces.
     */
    public static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c == '|' ? '¦' : Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString();
    }
}

package lottery.common.log;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

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

    /**
     * An exception as an operator can act on it: a file-system error's message is often the path alone
     * ({@code /etc/hostname}), so its kind and reason are added ({@code not a directory: /etc/hostname}); any other
     * exception gives its message.
     */
    public static String describe(Exception e) {
        if (e instanceof FileSystemException fs) {
            String kind;
            if (fs instanceof NotDirectoryException) {
                kind = "not a directory";
            } else if (fs instanceof NoSuchFileException) {
                kind = "no such file or directory";
            } else if (fs instanceof AccessDeniedException) {
                kind = "permission denied";
            } else if (fs instanceof FileAlreadyExistsException) {
                kind = "already exists";
            } else {
                kind = fs.getClass().getSimpleName();
            }
            return kind + ": " + fs.getFile() + (fs.getReason() == null ? "" : " (" + fs.getReason() + ")")
                    + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile());
        }
        return String.valueOf(e.getMessage());
    }
}

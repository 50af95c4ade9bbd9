package lottery.common.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Run-time control of Logback, the same in both applications: the level names a config may use, the root level set
 * from the config (each application's logback.xml starts at INFO and keeps Netty at WARN), and the final flush before
 * {@code Runtime.halt}, which skips everything that would otherwise flush.
 */
public final class Logging {
    /** The level names the applications print, most verbose first. */
    public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    private Logging() {
    }

    /**
     * The level a config value names, as one of {@link #LEVELS}: any case, and the spellings of the original Go
     * client's logrus ({@code warning}; {@code fatal} and {@code panic}, which log at ERROR).
     *
     * @throws IllegalArgumentException "is not one of TRACE, DEBUG, INFO, WARN, ERROR", to follow the quoted value in
     *                                  a config error ({@link lottery.common.config.Converter})
     */
    public static String parseLevel(String text) {
        String name = text.strip().toUpperCase(Locale.ROOT);
        return switch (name) {
            case "TRACE", "DEBUG", "INFO", "WARN", "ERROR" -> name;
            case "WARNING" -> "WARN";
            case "FATAL", "PANIC" -> "ERROR";
            default -> throw new IllegalArgumentException("is not one of " + String.join(", ", LEVELS));
        };
    }

    /** Sets the root logger's level; {@code level} is one of {@link #LEVELS} (what {@link #parseLevel} returns). */
    public static void setRootLevel(String level) {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.toLevel(parseLevel(level)));
        }
    }

    /**
     * Writes out everything logged so far: stops Logback, which flushes and closes its appenders, then flushes
     * {@code System.out} and {@code System.err}. Logging after this is lost; call it right before
     * {@code Runtime.halt}.
     */
    public static void flush() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
        System.out.flush();
        System.err.flush();
    }
}

package lottery.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Records the messages logged while it is open, from any thread, as {@code LEVEL message} lines, and lets a test
 * wait for a given line without sleeping. {@link #open(Level)} also sets the root level for its lifetime; close
 * restores the level. Use with try-with-resources.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level previousLevel = root.getLevel();
    private final Lines<String> lines = new Lines<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getLevel() + " " + event.getFormattedMessage());
        }
    };

    private LogCapture() {
    }

    /** Starts recording at the configured levels. */
    public static LogCapture open() {
        return open(null);
    }

    /** Starts recording with the root logger at {@code level} ({@code null}: unchanged) until close. */
    public static LogCapture open(Level level) {
        LogCapture capture = new LogCapture();
        capture.appender.setContext(capture.root.getLoggerContext());
        capture.appender.setName("capture");
        capture.appender.start();
        capture.root.addAppender(capture.appender);
        if (level != null) {
            capture.root.setLevel(level);
        }
        return capture;
    }

    /** Every captured line as {@code LEVEL message}. */
    public List<String> lines() {
        return lines.all();
    }

    /** Every captured message, without its level. */
    public List<String> messages() {
        return lines.all().stream().map(LogCapture::message).toList();
    }

    /** The captured messages (without the level) that start with {@code prefix}. */
    public List<String> messagesStartingWith(String prefix) {
        List<String> found = new ArrayList<>();
        for (String message : messages()) {
            if (message.startsWith(prefix)) {
                found.add(message);
            }
        }
        return found;
    }

    /** How many captured messages equal {@code message}. */
    public long count(String message) {
        return messages().stream().filter(message::equals).count();
    }

    /** Waits until a captured line (as {@code LEVEL message}) matches, failing after {@code timeout}. */
    public String await(Predicate<String> condition, Duration timeout) throws InterruptedException {
        return lines.await(condition, timeout);
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        root.setLevel(previousLevel);
        appender.stop();
    }

    private static String message(String line) {
        return line.substring(line.indexOf(' ') + 1);
    }
}

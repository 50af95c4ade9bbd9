package lottery.common.testing;

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
 * Records the messages logged while it is open (as {@code LEVEL message}), with the root logger at DEBUG, and lets a
 * test wait for a given line without sleeping. Restores the root level on close.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level previousLevel = root.getLevel();
    private final Lines lines = new Lines();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getLevel() + " " + event.getFormattedMessage());
        }
    };

    private LogCapture() {
    }

    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        capture.appender.setContext(capture.root.getLoggerContext());
        capture.appender.start();
        capture.root.addAppender(capture.appender);
        capture.root.setLevel(Level.DEBUG);
        return capture;
    }

    /** Every captured line as {@code LEVEL message}. */
    public List<String> lines() {
        return lines.all();
    }

    /** The captured messages (without the level) that start with {@code prefix}. */
    public List<String> messagesStartingWith(String prefix) {
        List<String> found = new ArrayList<>();
        for (String line : lines.all()) {
            String message = line.substring(line.indexOf(' ') + 1);
            if (message.startsWith(prefix)) {
                found.add(message);
            }
        }
        return found;
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
}

package lottery.server.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * Records the messages logged while it is open (from any thread), as "LEVEL message" lines, so tests can check the
 * exact log lines the black-box tests match. Use with try-with-resources.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    private LogCapture() {
        setName("capture");
    }

    /** Starts recording. */
    public static LogCapture open() {
        LogCapture capture = new LogCapture();
        capture.setContext(capture.root.getLoggerContext());
        capture.start();
        capture.root.addAppender(capture);
        return capture;
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.add(event.getLevel() + " " + event.getFormattedMessage());
    }

    /** Every message so far, without its level. */
    public List<String> messages() {
        return lines.stream().map(line -> line.substring(line.indexOf(' ') + 1)).toList();
    }

    /** Every "LEVEL message" line so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** How many messages so far equal {@code message}. */
    public long count(String message) {
        return messages().stream().filter(message::equals).count();
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}

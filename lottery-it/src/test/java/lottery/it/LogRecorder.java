package lottery.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import lottery.testkit.Lines;
import org.slf4j.LoggerFactory;

/**
 * Records what the client and the server, both in this JVM, log while it is open: each message with the thread and
 * the logger that logged it, so a test can tell the server's lines ({@code lottery.server.*}) from the client's
 * ({@code lottery.client.*}) and one in-process client from another (each runs on its own named thread). Sets the
 * root level for its lifetime and restores it on close. A test waits for a line with {@link #await} instead of
 * sleeping. Thread-safe: the appender runs on the client, event loop and server threads.
 */
final class LogRecorder extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    /** One logged message. */
    record Logged(String thread, String logger, Level level, String message) {
        boolean fromServer() {
            return logger.startsWith("lottery.server.");
        }

        boolean fromClient() {
            return logger.startsWith("lottery.client.");
        }

        @Override
        public String toString() {
            return "[" + thread + "] " + level + " " + message;
        }
    }

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level previousLevel = root.getLevel();
    private final Lines<Logged> lines = new Lines<>();

    private LogRecorder() {
    }

    /** Starts recording at INFO, the level of the black-box tests' lines. */
    static LogRecorder open() {
        return open(Level.INFO);
    }

    /** Starts recording with the root logger at {@code level} (DEBUG shows the client's connect retries). */
    static LogRecorder open(Level level) {
        LogRecorder recorder = new LogRecorder();
        recorder.setContext(recorder.root.getLoggerContext());
        recorder.start();
        recorder.root.addAppender(recorder);
        recorder.root.setLevel(level);
        return recorder;
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.add(new Logged(event.getThreadName(), event.getLoggerName(), event.getLevel(),
                event.getFormattedMessage()));
    }

    /** The messages so far of the lines that match, in logging order. */
    List<String> messages(Predicate<Logged> condition) {
        return lines.all().stream().filter(condition).map(Logged::message).toList();
    }

    /** The messages the server logged so far. */
    List<String> server() {
        return messages(Logged::fromServer);
    }

    /** The messages the client running on {@code thread} logged so far on that thread. */
    List<String> client(String thread) {
        return messages(line -> line.fromClient() && line.thread().equals(thread));
    }

    /** Every client line so far, whatever the thread (the client's event loop included). */
    List<String> clients() {
        return messages(Logged::fromClient);
    }

    /**
     * The client and server lines so far that the course's log parser (utils/line_parser.py) would reject or
     * misread: a line holding {@code action:} must split on {@code |} into the action, a result of success, fail
     * or in_progress, and {@code key: value} details (no key named source, action or result); no line may hold
     * the phrase {@code " exited with code "}, which the parser takes for a container's exit.
     */
    List<String> unparsable() {
        return messages(line -> (line.fromClient() || line.fromServer()) && !parsable(line.message()));
    }

    private static boolean parsable(String message) {
        if (message.contains(" exited with code ")) {
            return false;
        }
        if (!message.contains("action:")) {
            return true;
        }
        String[] parts = message.split("\\|", -1);
        if (parts.length < 2 || !parts[0].strip().startsWith("action:")
                || !List.of("success", "fail", "in_progress").contains(afterLastColon(parts[1]))) {
            return false;
        }
        for (int i = 2; i < parts.length; i++) {
            int colon = parts[i].lastIndexOf(':');
            if (colon < 0 || List.of("source", "action", "result").contains(parts[i].substring(0, colon).strip())) {
                return false;
            }
        }
        return true;
    }

    private static String afterLastColon(String segment) {
        return segment.substring(segment.lastIndexOf(':') + 1).strip();
    }

    /** Waits until a line matches (earlier lines count too); fails the test after {@code timeout}. */
    Logged await(Predicate<Logged> condition, Duration timeout) throws InterruptedException {
        return lines.await(condition, timeout);
    }

    @Override
    public void close() {
        root.detachAppender(this);
        root.setLevel(previousLevel);
        stop();
    }
}

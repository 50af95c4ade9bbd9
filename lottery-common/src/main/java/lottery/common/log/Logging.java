package lottery.common.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import org.slf4j.LoggerFactory;

/**
 * Run-time control of Logback, the same in both applications: the level names a config may use, the root level set
 * from the config (each application's logback.xml starts at INFO and keeps Netty at WARN), the same configuration
 * set up in code at start ({@link Configurator}), and the final flush before {@code Runtime.halt}, which skips
 * everything that would otherwise flush.
 */
public final class Logging {
    /** The level names the applications print, most verbose first. */
    public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
    /** The line format of both applications (the black-box tests parse it): "YYYY-MM-DD HH:MM:SS LEVEL    message". */
    public static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss} %-8level %msg%n";

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

    /**
     * Configures Logback in code at start, exactly as each application's {@code logback.xml} does (console, UTF-8,
     * {@link #PATTERN}, root at INFO, {@code io.netty} at WARN), without Logback's XML configurator: parsing that file
     * loads about 450 classes (Joran, its model, the JDK's XML parser) and runs before the first log line of every
     * start. The server and the client name this class in {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}
     * (Logback finds it with the ServiceLoader before it looks for XML).
     *
     * <p>It steps aside, so that Logback reads XML as before, when the system property
     * {@code logback.configurationFile} names a file: a user's own configuration, the process tests' choice of the
     * jars' {@code logback.xml}, and the modules' {@code logback-test.xml} (their Surefire configuration names it).
     * Only the property is asked, not the class path: looking a resource up searches the boot modules and opens and
     * indexes the jar (thousands of entries), which a production start does not otherwise need for its classes
     * (they come from the class-data archive). The {@code logback.xml} files stay
     * in the jars as the written form of this configuration; {@code LoggingTest} checks that both give the same
     * lines.
     */
    @ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
    public static final class Configurator extends ContextAwareBase
            implements ch.qos.logback.classic.spi.Configurator {
        /** Logback's system property that names a configuration file. */
        static final String CONFIG_FILE_PROPERTY = "logback.configurationFile";

        /** For the ServiceLoader. */
        public Configurator() {
        }

        @Override
        public ExecutionStatus configure(LoggerContext context) {
            if (fileRequested()) {
                return ExecutionStatus.INVOKE_NEXT_IF_ANY;
            }
            apply(context);
            return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
        }

        /** Whether a Logback configuration file is asked for ({@value #CONFIG_FILE_PROPERTY}). */
        static boolean fileRequested() {
            return System.getProperty(CONFIG_FILE_PROPERTY) != null;
        }

        /** Sets up {@code context} as the applications' {@code logback.xml} does. */
        public static void apply(LoggerContext context) {
            LineEncoder encoder = new LineEncoder();
            encoder.setContext(context);
            encoder.start();
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setContext(context);
            console.setName("STDOUT");
            console.setEncoder(encoder);
            console.start();
            context.getLogger("io.netty").setLevel(Level.WARN);
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.setLevel(Level.INFO);
            root.addAppender(console);
        }
    }

    /**
     * The encoder of {@link Configurator}: the lines of {@link #PATTERN} in UTF-8, written out directly instead of
     * through Logback's {@code PatternLayoutEncoder}, whose pattern machinery (the parser, a converter per keyword and
     * about 70 converter factories registered when {@code PatternLayout} initialises) is about 150 classes loaded
     * at every start for one fixed pattern. The date is the local time of the JVM's default zone, as {@code %d}
     * prints it, formatted once per second. An event that carries an exception (logged only at DEBUG here) goes to a
     * {@code PatternLayoutEncoder} of the same pattern, made at the first such event, so that the stack trace is
     * printed exactly as Logback prints it. {@code LoggingTest} checks that both give the same bytes.
     *
     * <p>Thread context: any logging thread; the cached second and the lazily made delegate are published safely.
     */
    static final class LineEncoder extends EncoderBase<ILoggingEvent> {
        private static final int LEVEL_WIDTH = 8;
        /**
         * The JVM's default zone as {@code TimeZone}, the zone {@code ZoneId.systemDefault()} is made from: its
         * offsets come from the same time-zone data, and asking it spares every start java.time's own reading of
         * that data (its zone-rules provider), about 1.4% of an agency client's CPU.
         */
        private final TimeZone zone = TimeZone.getDefault();
        private final String lineSeparator = System.lineSeparator();
        /** The last second formatted, and its text: one immutable pair, replaced whole. */
        private volatile Stamp stamp = new Stamp(Long.MIN_VALUE, "");
        private volatile PatternLayoutEncoder withThrowable;

        private record Stamp(long second, String text) {
        }

        @Override
        public byte[] headerBytes() {
            return null;
        }

        @Override
        public byte[] encode(ILoggingEvent event) {
            if (event.getThrowableProxy() != null) {
                return throwableEncoder().encode(event);
            }
            String message = event.getFormattedMessage();
            String level = event.getLevel().toString();
            StringBuilder line = new StringBuilder(28 + (message == null ? 4 : message.length()));
            line.append(date(event.getTimeStamp())).append(' ').append(level);
            for (int pad = level.length(); pad < LEVEL_WIDTH; pad++) {
                line.append(' ');
            }
            line.append(' ').append(message).append(lineSeparator);
            return line.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] footerBytes() {
            return null;
        }

        @Override
        public void stop() {
            PatternLayoutEncoder delegate = withThrowable;
            if (delegate != null) {
                delegate.stop();
            }
            super.stop();
        }

        /** "yyyy-MM-dd HH:mm:ss" of {@code millis} in the default zone. */
        private String date(long millis) {
            long second = Math.floorDiv(millis, 1000L);
            Stamp last = stamp;
            if (last.second() == second) {
                return last.text();
            }
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(zone.getOffset(second * 1000L) / 1000);
            LocalDateTime time = LocalDateTime.ofEpochSecond(second, 0, offset);
            StringBuilder text = new StringBuilder(19);
            pad(text, time.getYear(), 4).append('-');
            pad(text, time.getMonthValue(), 2).append('-');
            pad(text, time.getDayOfMonth(), 2).append(' ');
            pad(text, time.getHour(), 2).append(':');
            pad(text, time.getMinute(), 2).append(':');
            pad(text, time.getSecond(), 2);
            String formatted = text.toString();
            stamp = new Stamp(second, formatted);
            return formatted;
        }

        private static StringBuilder pad(StringBuilder text, int value, int width) {
            String digits = Integer.toString(value);
            for (int i = digits.length(); i < width; i++) {
                text.append('0');
            }
            return text.append(digits);
        }

        private PatternLayoutEncoder throwableEncoder() {
            PatternLayoutEncoder delegate = withThrowable;
            if (delegate == null) {
                synchronized (this) {
                    delegate = withThrowable;
                    if (delegate == null) {
                        delegate = new PatternLayoutEncoder();
                        delegate.setContext(getContext());
                        delegate.setCharset(StandardCharsets.UTF_8);
                        delegate.setPattern(PATTERN);
                        delegate.start();
                        withThrowable = delegate;
                    }
                }
            }
            return delegate;
        }
    }
}

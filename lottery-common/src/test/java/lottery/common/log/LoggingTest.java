package lottery.common.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

class LoggingTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "TRACE, TRACE", "debug, DEBUG", "Info, INFO", "WARN, WARN", "error, ERROR",
            // the original Go client's logrus names
            "warning, WARN", "FATAL, ERROR", "panic, ERROR",
            "' info ', INFO"})
    void levelNamesInAnyCaseAndTheGoClientsSpellings(String text, String level) {
        assertThat(Logging.parseLevel(text)).isEqualTo(level);
        assertThat(Logging.LEVELS).contains(level);
    }

    @Test
    void anyOtherNameIsRefusedWithAPhraseThatFollowsTheValue() {
        for (String text : new String[] {"VERBOSE", "", "\"INFO\"", "CRITICAL", "0"}) {
            assertThatThrownBy(() -> Logging.parseLevel(text)).as(text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("is not one of TRACE, DEBUG, INFO, WARN, ERROR");
        }
    }

    @Test
    void theRootLevelFollowsTheConfig() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        try {
            Logging.setRootLevel("warning");
            assertThat(root.getLevel()).isEqualTo(Level.WARN);
            Logging.setRootLevel("TRACE");
            assertThat(root.getLevel()).isEqualTo(Level.TRACE);
            assertThatThrownBy(() -> Logging.setRootLevel("LOUD")).isInstanceOf(IllegalArgumentException.class);
            assertThat(root.getLevel()).isEqualTo(Level.TRACE);
        } finally {
            root.setLevel(before);
        }
    }

    /** Configures a fresh Logback context. */
    private interface Setup {
        void apply(LoggerContext context) throws Exception;
    }

    /**
     * What a context set up by {@code setup} prints to stdout for a few lines: INFO with non-ASCII text, DEBUG
     * (dropped at the INFO root level), Netty's INFO (dropped) and WARN, an ERROR; timestamps checked for their
     * format, then replaced by "T".
     */
    private static String printed(Setup setup) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            setup.apply(context);
            context.start();
            Logger app = context.getLogger("lottery.server.ServerMain");
            Logger netty = context.getLogger("io.netty.channel.DefaultChannelPipeline");
            app.info("action: apuesta_almacenada | result: success | dni: {} | numero: {}", "Peña N°1", 7574);
            app.debug("action: config_details | result: success");
            netty.info("netty info");
            netty.warn("netty warn");
            app.error("action: run | result: fail | error: {}", "boom");
        } finally {
            context.stop();
            System.setOut(stdout);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text.lines()).allMatch(line -> line.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} .*"));
        return text.replaceAll("(?m)^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} ", "T ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../lottery-server/src/main/resources/logback.xml",
            "../lottery-client/src/main/resources/logback.xml"})
    void theConfigurationInCodePrintsWhatTheApplicationsLogbackXmlPrints(String xml) throws Exception {
        String fromXml = printed(context -> {
            JoranConfigurator joran = new JoranConfigurator();
            joran.setContext(context);
            joran.doConfigure(Path.of(xml).toFile());
        });
        String fromCode = printed(Logging.Configurator::apply);

        assertThat(fromCode).isEqualTo(fromXml).isEqualTo("""
                T INFO     action: apuesta_almacenada | result: success | dni: Peña N°1 | numero: 7574
                T WARN     netty warn
                T ERROR    action: run | result: fail | error: boom
                """.replace("\n", System.lineSeparator()));
    }

    /** What a context set up by {@code setup} prints for one ERROR line with {@code failure}, then an INFO line. */
    private static String printedWithException(Setup setup, Throwable failure) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            setup.apply(context);
            context.start();
            context.getLogger("lottery.client.ClientMain").error("action: run | result: fail | stack_trace: follows",
                    failure);
            context.getLogger("lottery.client.ClientMain").info("action: after | result: success");
        } finally {
            context.stop();
            System.setOut(stdout);
        }
        return bytes.toString(StandardCharsets.UTF_8)
                .replaceAll("(?m)^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} ", "T ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../lottery-server/src/main/resources/logback.xml",
            "../lottery-client/src/main/resources/logback.xml"})
    void anExceptionsStackTraceIsPrintedAsTheApplicationsLogbackXmlPrintsIt(String xml) throws Exception {
        IllegalStateException failure = new IllegalStateException("outer", new IOException("inner N°1"));
        failure.addSuppressed(new IllegalArgumentException("suppressed"));
        String fromXml = printedWithException(context -> {
            JoranConfigurator joran = new JoranConfigurator();
            joran.setContext(context);
            joran.doConfigure(Path.of(xml).toFile());
        }, failure);
        String fromCode = printedWithException(Logging.Configurator::apply, failure);

        assertThat(fromCode).isEqualTo(fromXml)
                .startsWith("T ERROR    action: run | result: fail | stack_trace: follows" + System.lineSeparator()
                        + "java.lang.IllegalStateException: outer")
                .contains("Caused by: java.io.IOException: inner N°1", "Suppressed: java.lang.IllegalArgumentException")
                .endsWith("T INFO     action: after | result: success" + System.lineSeparator());
    }

    /**
     * The date is what Logback's {@code %d} prints in the JVM's default zone, also in a zone with summer time, on
     * both sides of its changes (Madrid: +01:00 in winter, +02:00 in summer; 2026-03-29 and 2026-10-25 at 01:00 UTC).
     */
    @Test
    void theDateIsLogbacksOwnInAZoneWithSummerTimeOnBothSidesOfAChange() {
        TimeZone saved = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Madrid"));
        LoggerContext context = new LoggerContext();
        try {
            Logging.LineEncoder ours = new Logging.LineEncoder();
            ours.setContext(context);
            ours.start();
            PatternLayoutEncoder logbacks = new PatternLayoutEncoder();
            logbacks.setContext(context);
            logbacks.setCharset(StandardCharsets.UTF_8);
            logbacks.setPattern(Logging.PATTERN);
            logbacks.start();
            for (String at : List.of("2026-01-15T12:00:00Z", "2026-03-29T00:59:59Z", "2026-03-29T01:00:00Z",
                    "2026-07-15T23:30:00Z", "2026-10-25T00:59:59Z", "2026-10-25T01:00:00Z")) {
                LoggingEvent event = eventAt(at);
                String line = new String(ours.encode(event), StandardCharsets.UTF_8);
                assertThat(line).as(at).isEqualTo(new String(logbacks.encode(event), StandardCharsets.UTF_8));
            }
            assertThat(new String(ours.encode(eventAt("2026-07-15T23:30:00Z")), StandardCharsets.UTF_8))
                    .startsWith("2026-07-16 01:30:00 INFO ");
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    private static LoggingEvent eventAt(String at) {
        LoggingEvent event = new LoggingEvent();
        event.setLoggerName("x");
        event.setThreadName("main");
        event.setLevel(Level.INFO);
        event.setMessage("m");
        event.setTimeStamp(Instant.parse(at).toEpochMilli());
        return event;
    }

    @Test
    void theTimestampIsTheLocalTimeOfTheEventToTheSecond() throws Exception {
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        PrintStream stdout = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        LocalDateTime before;
        LocalDateTime after;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            Logging.Configurator.apply(context);
            context.start();
            before = LocalDateTime.now().withNano(0);
            context.getLogger("x").info("first");
            context.getLogger("x").warn("second");
            after = LocalDateTime.now();
        } finally {
            context.stop();
            System.setOut(stdout);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            LocalDateTime stamp = LocalDateTime.parse(line.substring(0, 19), format);
            assertThat(stamp).as(line).isBetween(before, after);
        }
        assertThat(lines.get(0).substring(19)).isEqualTo(" INFO     first");
        assertThat(lines.get(1).substring(19)).isEqualTo(" WARN     second");
    }

    @Test
    void theConfigurationInCodeStepsAsideForAConfigurationFileProperty() {
        // Surefire names this module's logback-test.xml in logback.configurationFile: Logback must read it.
        assertThat(System.getProperty(Logging.Configurator.CONFIG_FILE_PROPERTY)).isEqualTo("logback-test.xml");
        Logging.Configurator configurator = new Logging.Configurator();
        configurator.setContext(new LoggerContext());
        assertThat(configurator.configure(new LoggerContext())).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    }

    @Test
    void withoutTheConfigurationFilePropertyTheConfigurationInCodeApplies() {
        String file = System.clearProperty(Logging.Configurator.CONFIG_FILE_PROPERTY);
        try {
            Logging.Configurator configurator = new Logging.Configurator();
            LoggerContext context = new LoggerContext();
            configurator.setContext(context);
            assertThat(configurator.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNotNull();
            context.stop();
        } finally {
            if (file != null) {
                System.setProperty(Logging.Configurator.CONFIG_FILE_PROPERTY, file);
            }
        }
    }
}

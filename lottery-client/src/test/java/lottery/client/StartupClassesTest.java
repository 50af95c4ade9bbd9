package lottery.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import lottery.client.testing.ClientProcess;
import lottery.client.testing.FakeLotteryServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up diet holds (docs/PERFORMANCE.md, "Start-up"): a whole client run (a child JVM, {@code
 * -Xlog:class+load}: config, bets file, connection, batches, Finish, winners) loads none of the classes that were cut
 * from every start. Not a timing check: it names classes.
 * <ul>
 *   <li>no Java Flight Recorder event machinery: Netty's buffer events are off ({@code JvmDefaults}), so neither
 *       they nor JFR's event machinery and its generated handlers load (Netty still asks whether JFR is
 *       available, which loads about 16 {@code jdk.jfr} classes: those are allowed);</li>
 *   <li>no Logback pattern machinery: the lines are written by {@code Logging.LineEncoder} (Logback's
 *       {@code PatternLayout} loads only for an event with an exception);</li>
 *   <li>no XML configuration of Logback (Joran) and no JDK XML parser;</li>
 *   <li>no search for Logback configurators ({@code ContextInitializer}): SLF4J binds Logback through
 *       {@code LogbackProvider}, named by {@code JvmDefaults};</li>
 *   <li>no Jackson CSV: a bets file without double quotes is read byte by byte ({@code BetFile}); Jackson's parser
 *       loads only for a quoted row ({@code QuotedRow}).</li>
 * </ul>
 */
class StartupClassesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> NEVER_AT_START = List.of("jdk.jfr.internal.handlers.",
            "jdk.jfr.internal.EventHandler", "jdk.jfr.internal.EventInstrumentation", "jdk.jfr.internal.EventWriter",
            "ch.qos.logback.classic.PatternLayout", "ch.qos.logback.core.pattern.parser.",
            "ch.qos.logback.classic.joran.", "ch.qos.logback.core.joran.action.", "ch.qos.logback.core.model.",
            "javax.xml.", "com.sun.org.apache.xerces.", "ch.qos.logback.classic.util.ContextInitializer",
            "com.fasterxml.jackson.dataformat.csv.", "lottery.client.agency.QuotedRow");

    @TempDir
    Path dir;

    private static boolean cut(String name) {
        return NEVER_AT_START.stream().anyMatch(name::startsWith)
                || name.startsWith("io.netty.buffer.") && name.endsWith("Event");
    }

    @Test
    void aWholeRunLoadsNoneOfTheClassesCutFromStartUp() throws Exception {
        Path classes = dir.resolve("classes.txt");
        Files.writeString(dir.resolve("agency-3.csv"), "Ana,Pérez,1,2000-01-01,7574\nJosé,Díaz,2,1990-12-31,1\n");
        try (FakeLotteryServer server = FakeLotteryServer.start();
             ClientProcess client = ClientProcess.startWithJvmOptions(
                     List.of("-Xlog:class+load:file=" + classes), dir, Map.of("CLI_ID", "3",
                             "CLI_SERVER_ADDRESS", "127.0.0.1:" + server.port(), "CLI_LOOP_AMOUNT", "1",
                             "CLI_LOOP_PERIOD", "1s", "CLI_LOG_LEVEL", "INFO",
                             "CLI_DATA_FILE", dir.resolve("agency-{id}.csv").toString()))) {
            server.winners(List.of("1"));
            assertThat(client.waitFor(WAIT)).isZero();
            assertThat(client.messages()).contains("action: consulta_ganadores | result: success | cant_ganadores: 1");
        }
        List<String> loaded = Files.readAllLines(classes).stream().filter(line -> line.contains("[class,load]"))
                .map(line -> line.replaceAll(".*\\[class,load\\] (\\S+).*", "$1")).toList();

        assertThat(loaded).as("the log names the classes").contains("lottery.client.ClientMain",
                "io.netty.buffer.ByteBuf", "ch.qos.logback.core.ConsoleAppender");
        assertThat(loaded.stream().filter(StartupClassesTest::cut).toList()).isEmpty();
    }
}

package lottery.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lottery.server.ServerMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without SERVER_METRICS_PORT the endpoint costs nothing: a real server process (a child JVM, {@code
 * -Xlog:class+load}) loads no class of the ops package, of the metrics library, of Netty's HTTP codec or of Jackson
 * by the time it accepts connections. With the port set it does load the package and the library (so the check
 * sees them when they are there).
 */
class OpsNotLoadedTest {
    private static final long WAIT_SECONDS = 60;
    private static final List<String> OPS_ONLY = List.of("lottery.server.ops.", "io.prometheus.",
            "io.netty.handler.codec.http.", "com.fasterxml.jackson.");

    @TempDir
    Path dir;

    /** The classes a server process loaded until it accepted connections, then stopped with SIGTERM. */
    private List<String> loadedUntilAccepting(String metricsPort) throws Exception {
        Path classes = dir.resolve("classes-" + metricsPort + ".txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xlog:class+load:file=" + classes, "-cp",
                System.getProperty("java.class.path"), "-Dlogback.configurationFile=logback.xml",
                ServerMain.class.getName()).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("SERVER_") || name.equals("LOGGING_LEVEL"));
        builder.environment().putAll(Map.of("SERVER_PORT", "0", "SERVER_IP", "127.0.0.1",
                "LOGGING_LEVEL", "INFO", "SERVER_STORAGE_PATH", dir.resolve("bets-" + metricsPort + ".csv").toString()));
        if (!metricsPort.isEmpty()) {
            builder.environment().put("SERVER_METRICS_PORT", metricsPort);
        }
        Process process = builder.start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            boolean accepting = false;
            for (String line; !accepting && (line = lines.readLine()) != null; ) {
                accepting = line.contains("action: accept_connections | result: in_progress");
            }
            assertThat(accepting).as("the server started").isTrue();
            process.destroy();
        } finally {
            if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        return Files.readAllLines(classes).stream().filter(line -> line.contains("[class,load]"))
                .map(line -> line.replaceAll(".*\\[class,load\\] (\\S+).*", "$1")).toList();
    }

    private static List<String> opsOnly(List<String> loaded) {
        return loaded.stream().filter(name -> OPS_ONLY.stream().anyMatch(name::startsWith)).toList();
    }

    @Test
    void withoutThePortNoClassOfTheEndpointOrItsLibrariesIsLoaded() throws Exception {
        assertThat(opsOnly(loadedUntilAccepting(""))).isEmpty();
    }

    @Test
    void withThePortTheEndpointAndTheMetricsLibraryAreLoaded() throws Exception {
        List<String> loaded = opsOnly(loadedUntilAccepting("0"));
        assertThat(loaded).anyMatch(name -> name.startsWith("lottery.server.ops."))
                .anyMatch(name -> name.startsWith("io.prometheus."));
    }
}

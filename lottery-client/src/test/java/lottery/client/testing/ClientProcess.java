package lottery.client.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import lottery.testkit.Lines;

/**
 * The client's {@code main} in a child JVM (the test classpath, {@code lottery.client.ClientMain}), in a C locale
 * with only the given variables, its output read as UTF-8 and kept as the messages after the level.
 */
public final class ClientProcess implements AutoCloseable {
    private final Process process;
    private final Thread reader;
    private final Lines<String> messages = new Lines<>();

    private ClientProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::readOutput, "client-output");
        reader.start();
    }

    /** Starts the client in {@code dir} (where it looks for config.yaml) with environment {@code env}. */
    public static ClientProcess start(Path dir, Map<String, String> env, String... args) throws IOException {
        return startWithout(null, dir, env, args);
    }

    /**
     * {@link #start}, with the class path entries that contain {@code missing} left out (none when {@code null}):
     * a broken installation, to make the client crash with a {@link NoClassDefFoundError}.
     */
    public static ClientProcess startWithout(String missing, Path dir, Map<String, String> env, String... args)
            throws IOException {
        return start(List.of(), missing, dir, env, args);
    }

    /** {@link #start}, with {@code jvmOptions} (e.g. {@code -Xlog:class+load:file=...}) before the main class. */
    public static ClientProcess startWithJvmOptions(List<String> jvmOptions, Path dir, Map<String, String> env,
            String... args) throws IOException {
        return start(jvmOptions, null, dir, env, args);
    }

    private static ClientProcess start(List<String> jvmOptions, String missing, Path dir, Map<String, String> env,
            String... args) throws IOException {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> missing == null || !entry.contains(missing))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, "lottery.client.ClientMain"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        environment.put("LANG", "C"); // like a container without a locale: the '°' must still be UTF-8
        environment.put("LC_ALL", "C");
        environment.putAll(env);
        return new ClientProcess(builder.start());
    }

    private void readOutput() {
        try (BufferedReader lines = process.inputReader(StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                messages.add(line.length() > 20 ? line.substring(20).replaceFirst("^[A-Z]+ +", "") : line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The output so far, one message per line (timestamp and level removed). */
    public List<String> messages() {
        return messages.all();
    }

    /** Waits for an output line that matches. */
    public String await(Predicate<String> condition, Duration timeout) throws InterruptedException {
        return messages.await(condition, timeout);
    }

    /**
     * Sends SIGTERM. Through the process handle: {@code Process.destroy()} sends the same signal but also closes
     * our end of the child's output, which would lose the shutdown lines.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the exit and the end of the output; returns the exit status. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("the client did not exit within " + timeout + "; output " + messages.all());
        }
        reader.join(timeout.toMillis());
        return process.exitValue();
    }

    @Override
    public void close() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

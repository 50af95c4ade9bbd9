package lottery.loadgen;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import lottery.common.log.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar lottery-loadgen.jar --server HOST:PORT ...} ({@link LoadGenOptions#USAGE}): exit 0 when every
 * agency succeeded, 1 otherwise, 2 on a bad command line.
 */
public final class LoadGenMain {
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(3);
    private static final Logger LOG = LoggerFactory.getLogger(LoadGenMain.class);

    private LoadGenMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        LoadGenOptions options;
        try {
            options = LoadGenOptions.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("lottery-loadgen: " + e.getMessage());
            System.err.print(LoadGenOptions.USAGE);
            return 2;
        }
        if (options == null) {
            System.out.print(LoadGenOptions.USAGE);
            return 0;
        }
        AgencyTls tls;
        try {
            tls = options.rowsOnly() ? null : AgencyTls.load(options);
        } catch (IOException e) {
            System.err.println("lottery-loadgen: " + LogText.clean(e.getMessage()));
            return 2;
        }
        try {
            if (options.rowsOnly()) {
                LoadGen.writeExpected(options, LoadGen.plans(options));
                return 0;
            }
            LoadGen.Result result = LoadGen.run(options, tls, PROGRESS_EVERY);
            Report report = result.report();
            System.out.println("lottery-loadgen report (" + Runtime.getRuntime().availableProcessors()
                    + " cores, Java " + Runtime.version().feature() + "):");
            System.out.print(report.table());
            String json = report.json();
            System.out.println(json);
            if (options.jsonFile() != null) {
                java.nio.file.Files.writeString(options.jsonFile(), json + System.lineSeparator());
            }
            return result.success() ? 0 : 1;
        } catch (IOException e) {
            LOG.error("action: loadgen | result: fail | error: {}", LogText.clean(e.toString()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}

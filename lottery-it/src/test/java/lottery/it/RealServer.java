package lottery.it;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lottery.server.LotteryServer;
import lottery.server.ServerConfig;

/**
 * The real lottery server ({@link LotteryServer}) in this JVM, listening on 127.0.0.1 and storing its bets in a
 * test's temporary directory, with the production defaults otherwise (no fsync, 60 s idle timeout, 5 s shutdown
 * grace). {@link #close()} stops it gracefully.
 */
final class RealServer implements AutoCloseable {
    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    private final LotteryServer server;
    private final Path storage;
    private final int port;

    private RealServer(LotteryServer server, Path storage, int port) {
        this.server = server;
        this.storage = storage;
        this.port = port;
    }

    /** Starts a server for {@code agencies} agencies on a free port, storing into {@code dir/bets.csv}. */
    static RealServer start(Path dir, int agencies) throws IOException, InterruptedException {
        return start(dir, agencies, 0);
    }

    /** Starts a server for {@code agencies} agencies on {@code port} (0: a free one). */
    static RealServer start(Path dir, int agencies, int port) throws IOException, InterruptedException {
        Path storage = dir.resolve("bets.csv");
        ServerConfig config = new ServerConfig(port, 128, agencies, storage, 60, 5, false, "INFO");
        LotteryServer server = new LotteryServer(config, InetAddress.getLoopbackAddress());
        return new RealServer(server, storage, server.start().getPort());
    }

    int port() {
        return port;
    }

    /** The bets file, byte for byte as UTF-8 text ("" while the server has stored nothing). */
    String storedText() throws IOException {
        return Files.readString(storage, StandardCharsets.UTF_8);
    }

    /**
     * The rows of the bets file parsed as CSV ({@code agency, first_name, last_name, document, birthdate, number}),
     * in file order: what the assignment's {@code load_bets} would read.
     */
    List<List<String>> storedRows() throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(storage, StandardCharsets.UTF_8);
             MappingIterator<String[]> parsed = CSV.readerFor(String[].class).readValues(reader)) {
            while (parsed.hasNextValue()) {
                rows.add(Arrays.asList(parsed.nextValue()));
            }
        }
        return rows;
    }

    @Override
    public void close() {
        server.stop();
    }
}

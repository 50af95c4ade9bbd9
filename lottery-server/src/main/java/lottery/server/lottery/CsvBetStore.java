package lottery.server.lottery;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import lottery.protocol.message.Bet;

/**
 * The bets file: the assignment's {@code store_bets} and {@code load_bets} in Java, on the same CSV format (see
 * {@link BetCsv}), so a file written here loads with the Python functions and the other way round.
 *
 * <p>A batch is all or nothing: its rows are built in memory first and written with one positional write, so the
 * rows of two batches never interleave; if that write fails the file is truncated back to its previous size. The
 * file channel has no user-space buffer, so once {@link #append} returns the rows are in the operating system's page
 * cache (they survive a crash of the server process); with {@code fsync} they are also forced to the disk, which
 * survives a power loss but costs a disk flush per batch.
 *
 * <p>Thread context: no locks; one thread owns it (see {@link BetStore}). Blocking: never call it from an event loop.
 */
public final class CsvBetStore implements BetStore {
    private static final DateTimeFormatter ARCHIVE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    private final Path path;
    private final boolean fsync;
    private final FileChannel file;
    /** Bytes of whole rows in the file: where the next batch goes, and where a failed one is cut back to. */
    private long size;
    private boolean closed;

    private CsvBetStore(Path path, boolean fsync, FileChannel file, long size) {
        this.path = path;
        this.fsync = fsync;
        this.file = file;
        this.size = size;
    }

    /** Opens (creating it and its directory if needed) the bets file at {@code path}; new rows go at its end. */
    public static CsvBetStore open(Path path, boolean fsync) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return over(path, fsync, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
    }

    /**
     * Moves an earlier lottery's non-empty bets file at {@code path} aside, to {@code NAME-yyyyMMdd-HHmmss[-K].csv}
     * beside it, so that a new server starts a new lottery: without this a second run would draw over the bets of
     * both. Nothing is deleted.
     *
     * @return where the file went, or empty when there was nothing to move
     */
    public static Optional<Path> archiveExisting(Path path, Clock clock) throws IOException {
        if (!Files.isRegularFile(path) || Files.size(path) == 0) {
            return Optional.empty();
        }
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        String stamp = ARCHIVE_STAMP.format(LocalDateTime.now(clock));
        Path target = path.resolveSibling(base + "-" + stamp + extension);
        for (int k = 2; Files.exists(target); k++) {
            target = path.resolveSibling(base + "-" + stamp + "-" + k + extension);
        }
        return Optional.of(Files.move(path, target));
    }

    /** A store writing through {@code file}, an open channel on {@code path} (tests pass one that fails). */
    static CsvBetStore over(Path path, boolean fsync, FileChannel file) throws IOException {
        // Files.size, not file.size(): a channel operation on an interrupted thread closes the channel, and an
        // interrupt during LotteryServer.start is for its wait for the bind to report, not a reason to fail here.
        return new CsvBetStore(path, fsync, file, Files.size(path));
    }

    /**
     * Appends one row per bet, all of them or none.
     *
     * @throws IOException when the rows could not be written; the file is then as it was before the call
     */
    @Override
    public void append(int agency, List<Bet> bets) throws IOException {
        if (closed) {
            throw new IOException("the bets file " + path + " is closed");
        }
        ByteBuffer rows = ByteBuffer.wrap(BetCsv.rows(agency, bets).getBytes(StandardCharsets.UTF_8));
        long before = size;
        try {
            long position = before;
            while (rows.hasRemaining()) {
                position += file.write(rows, position);
            }
            if (fsync) {
                file.force(false);
            }
            size = position;
        } catch (IOException e) {
            try {
                file.truncate(before);
            } catch (IOException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    /**
     * Reads the file row by row (one row in memory at a time), in file order.
     *
     * @throws IOException when the file cannot be read or a row is not a bet
     */
    @Override
    public void forEach(Consumer<? super StoredBet> action) throws IOException {
        long row = 0;
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
             MappingIterator<String[]> rows = CSV.readerFor(String[].class).readValues(reader)) {
            while (rows.hasNextValue()) {
                StoredBet bet;
                try {
                    bet = BetCsv.parse(rows.nextValue(), ++row);
                } catch (IllegalArgumentException e) {
                    throw new IOException("the bets file " + path + " is corrupt: " + e.getMessage(), e);
                }
                action.accept(bet);
            }
        }
    }

    /**
     * The assignment's {@code load_bets}: every row of the file, in file order, in one list (for tests and tools;
     * the draw streams with {@link #forEach}).
     *
     * @throws IOException when the file cannot be read or a row is not a bet
     */
    public List<StoredBet> loadBets() throws IOException {
        List<StoredBet> bets = new ArrayList<>();
        forEach(bets::add);
        return bets;
    }

    /** Forces the rows to the disk and closes the file. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (FileChannel toClose = file) {
            toClose.force(false);
        }
    }
}

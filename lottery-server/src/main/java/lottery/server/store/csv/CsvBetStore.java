package lottery.server.store.csv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import lottery.protocol.message.BatchBytes;
import lottery.protocol.message.Bet;
import lottery.server.store.BetCsv;
import lottery.server.store.BetStore;
import lottery.server.store.DrawResult;
import lottery.server.store.StoredBet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bets file: the assignment's {@code store_bets} and {@code load_bets} in Java, on the same CSV format (see
 * {@link BetCsv}), so a file written here loads with the Python functions and the other way round. Beside it the
 * {@link RoundLog} ({@code bets.csv.round}) records every batch (agency, seq, count, file size after it), every
 * FINISH and the draw: its {@code batch} record, written right after the rows, is their commit point, and it lets a
 * restarted server resume the round ({@link #recover}, {@link #resume}).
 *
 * <p>A batch is all or nothing: its rows are built in memory first and written with one positional write, so the
 * rows of two batches never interleave; if that write (or its round-log record) fails the files are truncated back.
 * The file channels have no user-space buffer, so once {@link #append} returns the rows are in the operating system's
 * page cache (they survive a crash of the server process); {@link #sync} forces them to the disk, which survives a
 * power loss. The server calls it through its group commit, one force for many batches; a store opened with
 * {@code fsync} forces after every write itself (tools and tests).
 *
 * <p>Thread context: no locks; one thread owns it (see {@link BetStore}), except {@link #sync}, which another thread
 * may run at the same time as a write. Blocking: never call it from an event loop.
 */
public final class CsvBetStore implements BetStore {
    private static final Logger LOG = LoggerFactory.getLogger(CsvBetStore.class);

    /** The file's bytes per range in {@link #draw}: one range per whole multiple of it, at most one per core. */
    static final long MIN_RANGE_BYTES = 16L << 20;

    private final Path path;
    private final boolean fsync;
    private final FileChannel file;
    /** The round log; null until the first write of a store opened without one ({@link #open}). */
    private RoundLog log;
    /** Bytes of whole rows in the file: where the next batch goes, and where a failed one is cut back to. */
    private long size;
    /** Writes made so far (rows with their record, or a record alone); written by the owner, read by any thread. */
    private volatile long written;
    /** Forces made so far (for tests of group commit). */
    private final AtomicLong forces = new AtomicLong();
    private boolean closed;
    /** Where {@link #append} encodes a batch's rows: one array, reused (the owner thread's). */
    private final BetCsv.Rows rowBytes = new BetCsv.Rows();

    private CsvBetStore(Path path, boolean fsync, FileChannel file, long size, RoundLog log) {
        this.path = path;
        this.fsync = fsync;
        this.file = file;
        this.size = size;
        this.log = log;
    }

    /**
     * Opens (creating it and its directory if needed) the bets file at {@code path} as it is, without recovery; new
     * rows go at its end (tools and tests; the server uses {@link #resume} or {@link #newRound}).
     */
    public static CsvBetStore open(Path path, boolean fsync) throws IOException {
        createParent(path);
        Path logPath = RoundLog.pathFor(path);
        RoundLog log = Files.isRegularFile(logPath) ? RoundLog.open(logPath, Files.size(logPath)) : null;
        FileChannel file;
        try {
            file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            closeQuietly(log, e);
            throw e;
        }
        return new CsvBetStore(path, fsync, file, Files.size(path), log);
    }

    /**
     * Reads the round of the bets file at {@code path} back from its round log, changing nothing.
     *
     * @throws IOException when the files cannot be read or the round log is corrupt
     */
    public static RoundState recover(Path path) throws IOException {
        return RoundLog.read(path);
    }

    /**
     * Opens the round {@code state} ({@link #recover}) describes to go on with it: cuts a torn tail off the bets file
     * (rows without their batch record) and off the round log, logging what it removed.
     */
    public static CsvBetStore resume(Path path, RoundState state) throws IOException {
        if (!state.present()) {
            throw new IllegalArgumentException("there is no round to resume");
        }
        FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        RoundLog log = null;
        try {
            long torn = Files.size(path) - state.betsEnd();
            if (torn > 0) {
                file.truncate(state.betsEnd());
                file.force(false);
                LOG.warn("action: repair_bets | result: success | removed_bytes: {}", torn);
            }
            Path logPath = RoundLog.pathFor(path);
            long tornLog = Files.size(logPath) - state.logEnd();
            log = RoundLog.open(logPath, state.logEnd());
            if (tornLog > 0) {
                log.force();
                LOG.warn("action: repair_round_log | result: success | removed_bytes: {}", tornLog);
            }
        } catch (IOException e) {
            closeQuietly(log, e);
            closeQuietly(file, e);
            throw e;
        }
        return new CsvBetStore(path, false, file, state.betsEnd(), log);
    }

    /**
     * Starts a new round for {@code agencies}: an empty bets file (an earlier one must have been archived, see
     * {@link #archiveExisting}) and a round log holding only its first record.
     */
    public static CsvBetStore newRound(Path path, int agencies) throws IOException {
        return newRound(path, agencies, false);
    }

    /**
     * The same, recording in the round log whether the round's HELLOs are {@code authenticated} (agency secrets), so
     * that a restart without the secrets does not go on with it ({@link RoundState#authenticated()}). Once both files
     * exist and the log's first record is forced, their directory is forced too, so their names survive a power cut.
     */
    public static CsvBetStore newRound(Path path, int agencies, boolean authenticated) throws IOException {
        return newRound(path, agencies, authenticated, DirectorySync.FSYNC);
    }

    /** The same, forcing directories through {@code directories} (tests record what is forced). */
    static CsvBetStore newRound(Path path, int agencies, boolean authenticated, DirectorySync directories)
            throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        directories.createDirectories(parent);
        FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        RoundLog log = null;
        try {
            log = RoundLog.create(RoundLog.pathFor(path), agencies, authenticated);
            log.force();
            directories.force(parent);
        } catch (IOException e) {
            closeQuietly(log, e);
            closeQuietly(file, e);
            throw e;
        }
        return new CsvBetStore(path, false, file, 0, log);
    }

    private static void createParent(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static void closeQuietly(java.io.Closeable closeable, IOException failure) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Moves an earlier round's bets file at {@code path} (when not empty) and its round log aside, to
     * {@code NAME-yyyyMMdd-HHmmss[-K].csv} and the same name with {@code .round} beside it, so that a new round
     * starts: without this a second run would draw over the bets of both. Nothing is deleted.
     *
     * <p>The stamp is the local time of the JVM's default zone, asked for only when there is something to move: a
     * start with no earlier round never loads java.time's zone rules.
     *
     * @return where the bets file went, or empty when there was no bets file to move
     */
    public static Optional<Path> archiveExisting(Path path) throws IOException {
        return archiveExisting(path, Clock::systemDefaultZone, DirectorySync.FSYNC);
    }

    /** The same, the stamp from {@code clock} (tests). */
    static Optional<Path> archiveExisting(Path path, Clock clock) throws IOException {
        return archiveExisting(path, () -> clock, DirectorySync.FSYNC);
    }

    /**
     * The same, forcing the directory through {@code directories} once the files are renamed, so that a power cut
     * cannot bring the old round back under its live name beside the new round's files.
     */
    static Optional<Path> archiveExisting(Path path, Supplier<Clock> clock, DirectorySync directories)
            throws IOException {
        Path logPath = RoundLog.pathFor(path);
        boolean bets = Files.isRegularFile(path) && Files.size(path) > 0;
        boolean round = Files.isRegularFile(logPath);
        if (!bets && !round) {
            return Optional.empty();
        }
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(LocalDateTime.now(clock.get()));
        Path target = path.resolveSibling(base + "-" + stamp + extension);
        for (int k = 2; Files.exists(target) || Files.exists(RoundLog.pathFor(target)); k++) {
            target = path.resolveSibling(base + "-" + stamp + "-" + k + extension);
        }
        if (round) {
            Files.move(logPath, RoundLog.pathFor(target));
        }
        Optional<Path> moved = bets ? Optional.of(Files.move(path, target)) : Optional.empty();
        directories.force(path.toAbsolutePath().getParent());
        return moved;
    }

    /** A store writing through {@code file}, an open channel on {@code path} (tests pass one that fails). */
    static CsvBetStore over(Path path, boolean fsync, FileChannel file) throws IOException {
        // Files.size, not file.size(): a channel operation on an interrupted thread closes the channel, and an
        // interrupt during LotteryServer.start is for its wait for the bind to report, not a reason to fail here.
        return new CsvBetStore(path, fsync, file, Files.size(path), null);
    }

    /**
     * Appends one row per bet, all of them or none, as a single BET (seq 0).
     *
     * @throws IOException when the rows could not be written; the file is then as it was before the call
     */
    @Override
    public void append(int agency, List<Bet> bets) throws IOException {
        append(agency, 0, bets);
    }

    /**
     * Appends one row per bet and the batch's round-log record, all or nothing.
     *
     * @throws IOException when the rows could not be written; the files are then as they were before the call
     */
    @Override
    public void append(int agency, long seq, List<Bet> bets) throws IOException {
        checkOpen();
        write(agency, seq, bets.size(), rowBytes.encode(agency, bets));
    }

    /**
     * The same from the batch's wire bytes: its rows are encoded byte to byte ({@link BetCsv.Rows#encode(int,
     * BatchBytes)}, the same bytes as from the bets) and written with one write.
     */
    @Override
    public void append(int agency, BatchBytes batch) throws IOException {
        checkOpen();
        write(agency, batch.seq(), batch.count(), rowBytes.encode(agency, batch));
    }

    /** Writes {@code rows} at the end of the file, then the batch's record: all or nothing. */
    private void write(int agency, long seq, int count, ByteBuffer rows) throws IOException {
        RoundLog round = log();
        long before = size;
        try {
            long end = WholeWrites.writeAt(file, rows, before);
            round.append("batch " + agency + " " + seq + " " + count + " " + end);
            size = end;
        } catch (IOException e) {
            throw WholeWrites.cutBack(file, before, e);
        }
        wrote();
    }

    @Override
    public void finish(int agency, long stored) throws IOException {
        checkOpen();
        log().append("finish " + agency + " " + stored);
        wrote();
    }

    @Override
    public void drawn(long bets, long winners) throws IOException {
        checkOpen();
        log().append("draw " + bets + " " + winners);
        wrote();
    }

    @Override
    public void answered(int agency) throws IOException {
        checkOpen();
        log().append("answered " + agency);
        wrote();
    }

    @Override
    public long written() {
        return written;
    }

    /** Forces the bets file, then the round log, to the disk. Safe while the owner thread writes. */
    @Override
    public void sync() throws IOException {
        file.force(false);
        RoundLog round = log;
        if (round != null) {
            round.force();
        }
        forces.incrementAndGet();
    }

    /** How many times {@link #sync} forced the files so far: the group commit's measure of how many writes share a force. */
    public long forces() {
        return forces.get();
    }

    private void wrote() throws IOException {
        written = written + 1; // one writer: the owner thread
        if (fsync) {
            sync();
        }
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("the bets file " + path + " is closed");
        }
    }

    private RoundLog log() throws IOException {
        if (log == null) {
            log = RoundLog.create(RoundLog.pathFor(path), 0);
        }
        return log;
    }

    /**
     * Reads the file row by row (one row in memory at a time), in file order, with the draw's reader,
     * {@link BetFileScanner}: one {@link StoredBet} per row.
     *
     * @throws IOException when the file cannot be read or a row is not a bet (naming the row)
     */
    @Override
    public void forEach(Consumer<? super StoredBet> action) throws IOException {
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
            BetFileScanner scanner = new BetFileScanner(in, 0, in.size(), BetFileScanner.DEFAULT_BUFFER_BYTES,
                    () -> false);
            scanner.scan(Long.MAX_VALUE, row -> action.accept(row.toStoredBet()));
        } catch (BetFileScanner.CorruptRowException e) {
            throw new IOException("the bets file " + path + " is corrupt: " + e.getMessage(), e);
        }
    }

    /**
     * The draw over the file without a {@link StoredBet} per row: {@link BetFileScanner} checks every row as
     * {@link #forEach} does and keeps only the winners. {@link BetFileDraw} scans up to min(cores, size / 16 MiB)
     * ranges of the file at once (rounded down, at least one; {@link #MIN_RANGE_BYTES}, the JVM's available
     * processors): the draw goes parallel from 32 MiB with two cores or more, and uses every core once the file holds
     * 16 MiB per core; a smaller file is one range, scanned on the calling thread. Each range streams the file through
     * a buffer of its own.
     *
     * @throws IOException when the file cannot be read or a row is not a bet (naming the row)
     */
    @Override
    public DrawResult draw() throws IOException {
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
            int ranges = BetFileDraw.ranges(in.size(), MIN_RANGE_BYTES);
            return BetFileDraw.draw(in, ranges, BetFileScanner.DEFAULT_BUFFER_BYTES);
        } catch (BetFileScanner.CorruptRowException e) {
            throw new IOException("the bets file " + path + " is corrupt: " + e.getMessage(), e);
        }
    }

    /**
     * The assignment's {@code load_bets}: every row of the file, in file order, in one list (for tests and tools;
     * the draw streams the file with {@link #draw}).
     *
     * @throws IOException when the file cannot be read or a row is not a bet
     */
    public List<StoredBet> loadBets() throws IOException {
        List<StoredBet> bets = new ArrayList<>();
        forEach(bets::add);
        return bets;
    }

    /** Forces the rows and the round log to the disk and closes them. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (FileChannel toClose = file; RoundLog round = log) {
            toClose.force(false);
            if (round != null) {
                round.force();
            }
        }
    }
}

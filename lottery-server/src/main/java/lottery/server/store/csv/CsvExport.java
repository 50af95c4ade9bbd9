package lottery.server.store.csv;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@code lottery-server --export-bets FILE} on the CSV store: a copy of the current round's bets file up to the last
 * batch its round log records (what a restarted server would keep: a torn tail, or a batch being written right now,
 * is left out), read without the storage lock so a running server goes on undisturbed. Written to {@code FILE.tmp},
 * forced, then renamed over {@code FILE}: a reader never sees half a file, and a failure leaves {@code FILE} as it
 * was.
 *
 * <p>Thread context: any thread.
 */
public final class CsvExport {

    /**
     * What was exported.
     *
     * @param bets  rows copied
     * @param bytes bytes copied
     */
    public record Exported(long bets, long bytes) {
    }

    private CsvExport() {
    }

    /**
     * Exports the round of the bets file {@code bets} to {@code file}.
     *
     * @throws IOException when there is no round, the round log is corrupt, a file cannot be read or written, or
     *                     {@code file} is one of the store's own files
     */
    public static Exported export(Path bets, Path file) throws IOException {
        Path target = file.toAbsolutePath().normalize();
        for (Path own : new Path[] {bets, RoundLog.pathFor(bets), StorageLock.pathFor(bets)}) {
            if (own.toAbsolutePath().normalize().equals(target)
                    || Files.exists(file) && Files.exists(own) && Files.isSameFile(file, own)) {
                throw new IOException(file + " is a file of the store itself: export to another path");
            }
        }
        // Opened before the round log is read: whatever the log then covers is in this file (rows come before
        // their record), unless a new round replaced it meanwhile, which the size check below finds.
        try (FileChannel in = openBets(bets)) {
            RoundState state = RoundLog.read(bets);
            if (!state.present()) {
                throw new IOException("there is no round to export: no round log " + RoundLog.pathFor(bets));
            }
            long size = state.betsEnd();
            if (size > 0 && (in == null || in.size() < size)) {
                throw new IOException("the bets file " + bets + " holds fewer bytes than its round log records (a new"
                        + " round started meanwhile?): try again");
            }
            Path partial = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                for (long copied = 0; copied < size; ) {
                    long n = in.transferTo(copied, size - copied, out);
                    if (n <= 0) {
                        throw new IOException("the bets file " + bets + " ended at byte " + copied + " of " + size);
                    }
                    copied += n;
                }
                out.force(true);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(partial);
                throw e;
            }
            try {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(partial);
                throw e;
            }
            return new Exported(state.bets(), size);
        }
    }

    /** The bets file open for reading, or null when there is none. */
    private static FileChannel openBets(Path bets) throws IOException {
        try {
            return FileChannel.open(bets, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}

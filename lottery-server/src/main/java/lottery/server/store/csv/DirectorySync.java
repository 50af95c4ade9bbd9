package lottery.server.store.csv;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Makes a directory's entries durable. A file's fsync makes its bytes durable, not its name: after creating
 * {@code bets.csv} and {@code bets.csv.round}, or renaming a finished round aside, a power cut can still lose the
 * names (the files would be gone, or back under their old names) until the directory itself is forced. POSIX asks for
 * an fsync of the directory; on Linux, a {@link FileChannel} opened on it for reading and forced does that.
 *
 * <p>Thread context: stateless; the CSV store calls it on the thread that opens a round.
 */
@FunctionalInterface
interface DirectorySync {

    /** Forces the entries of the directory {@code dir} to the disk. */
    void force(Path dir) throws IOException;

    /** The real one: an fsync of the directory. */
    DirectorySync FSYNC = dir -> {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    };

    /**
     * Creates {@code dir} and its missing parents, then forces the parent of each directory it created, top down, so
     * that the new directories' names are durable too.
     */
    default void createDirectories(Path dir) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path d = dir.toAbsolutePath(); d != null && !Files.isDirectory(d); d = d.getParent()) {
            missing.push(d);
        }
        if (missing.isEmpty()) {
            return;
        }
        Files.createDirectories(dir);
        for (Path created : missing) {
            force(created.getParent());
        }
    }
}

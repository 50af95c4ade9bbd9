package lottery.server.store.csv;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock of the storage directory: {@code bets.csv.lock} beside the bets file, locked with
 * {@link FileChannel#tryLock()} for the server's whole life, before anything else there is read or moved. A second
 * server on the same files fails at once ({@link Locked}) and touches nothing. The operating system releases the lock
 * when the process dies, so a crashed server leaves no stale lock behind (the file itself stays; it holds nothing).
 *
 * <p>Thread context: taken by the thread that starts the server, released by the one that stops it.
 */
public final class StorageLock implements Closeable {
    private final FileChannel file;
    private final FileLock lock;

    private StorageLock(FileChannel file, FileLock lock) {
        this.file = file;
        this.lock = lock;
    }

    /** Another server holds the storage. */
    public static final class Locked extends IOException {
        private static final long serialVersionUID = 1L;

        Locked(String message) {
            super(message);
        }
    }

    /** The lock file of the bets file {@code bets}: {@code NAME.lock} beside it. */
    public static Path pathFor(Path bets) {
        return bets.resolveSibling(bets.getFileName().toString() + ".lock");
    }

    /**
     * Locks the storage of the bets file {@code bets} (creating its directory and the lock file if needed).
     *
     * @throws Locked      when another server (another process, or another server in this JVM) holds it
     * @throws IOException when the lock file cannot be opened
     */
    public static StorageLock acquire(Path bets) throws IOException {
        Path path = pathFor(bets);
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = file.tryLock();
        } catch (OverlappingFileLockException sameJvm) {
            lock = null;
        } catch (IOException e) {
            file.close();
            throw e;
        }
        if (lock == null) {
            file.close();
            throw new Locked("the storage " + bets + " is in use by another server (" + path + " is locked)");
        }
        return new StorageLock(file, lock);
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            file.close();
        }
    }
}

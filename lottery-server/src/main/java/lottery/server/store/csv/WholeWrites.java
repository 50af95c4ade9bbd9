package lottery.server.store.csv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The one way the store's files grow: all of a buffer at a known position, or, when that fails, the file cut back to
 * its size before, so a failed batch or record leaves no partial bytes. Used by {@link CsvBetStore} (rows) and
 * {@link RoundLog} (records).
 *
 * <p>Thread context: stateless; it runs on the thread that owns the file (the lottery thread, in the server), which
 * must be the only one writing to it or cutting it (a force on another thread may overlap).
 */
final class WholeWrites {

    private WholeWrites() {
    }

    /** Writes every remaining byte of {@code bytes} at {@code position}; returns the position after them. */
    static long writeAt(FileChannel file, ByteBuffer bytes, long position) throws IOException {
        long end = position;
        while (bytes.hasRemaining()) {
            end += file.write(bytes, end);
        }
        return end;
    }

    /**
     * After {@code failure}, cuts {@code file} back to {@code size}; a failed cut is added to it as suppressed.
     *
     * @return {@code failure}, to be thrown
     */
    static IOException cutBack(FileChannel file, long size, IOException failure) {
        try {
            file.truncate(size);
        } catch (IOException undo) {
            failure.addSuppressed(undo);
        }
        return failure;
    }
}

package lottery.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The disk ceiling: the bytes the server writes for a run (every batch's bets-file rows), appended by a trivial
 * writer in the order the server would see them when every agency keeps its window full (batch 1 of each agency,
 * then batch 2 of each...), one write per batch. With {@code fsync}, a second thread forces the file over and over
 * as the server's group commit does (each force covers every write made before it started) and a batch counts as
 * done only once a force that started after its write has returned; without, a write is done when it returns.
 * Nothing is parsed or checked: this is what the disk (or page cache) alone allows in this pattern.
 */
final class DiskCeiling {
    private DiskCeiling() {
    }

    /**
     * @param dir   where the scratch file goes (deleted at the end): the server's storage directory's file system
     * @return bets per second, from the first write to the last batch done
     */
    static double betsPerSecond(List<AgencyPlan> plans, Path dir, boolean fsync)
            throws IOException, InterruptedException {
        List<ByteBuffer> chunks = new ArrayList<>();
        long bets = 0;
        int rounds = plans.stream().mapToInt(p -> p.batches().size()).max().orElse(0);
        for (int s = 1; s <= rounds; s++) {
            for (AgencyPlan plan : plans) {
                if (s <= plan.batches().size()) {
                    chunks.add(ByteBuffer.wrap(plan.rows(s)));
                    bets += plan.batches().get(s - 1).bets().size();
                }
            }
        }
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "ceiling-disk-", ".csv");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            Syncer syncer = fsync ? new Syncer(channel) : null;
            long start = System.nanoTime();
            if (syncer != null) {
                syncer.start();
            }
            long position = 0;
            for (ByteBuffer chunk : chunks) {
                while (chunk.hasRemaining()) {
                    position += channel.write(chunk, position);
                }
                if (syncer != null) {
                    syncer.wrote();
                }
            }
            if (syncer != null) {
                syncer.awaitAll();
            }
            long elapsed = System.nanoTime() - start;
            return bets / (elapsed / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Forces the file in a loop while there are writes no force has covered yet (group commit). */
    private static final class Syncer extends Thread {
        private final FileChannel channel;
        private long written;
        private long synced;
        private boolean done;
        private IOException failure;

        Syncer(FileChannel channel) {
            super("ceiling-sync");
            setDaemon(true);
            this.channel = channel;
        }

        synchronized void wrote() {
            written++;
            notifyAll();
        }

        /** Waits until every write so far was forced; stops the thread. */
        synchronized void awaitAll() throws InterruptedException, IOException {
            long target = written;
            while (synced < target && failure == null) {
                wait();
            }
            done = true;
            notifyAll();
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void run() {
            try {
                while (true) {
                    long covers;
                    synchronized (this) {
                        while (written == synced && !done) {
                            wait();
                        }
                        if (done) {
                            return;
                        }
                        covers = written;
                    }
                    channel.force(false);
                    synchronized (this) {
                        synced = covers;
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                synchronized (this) {
                    failure = e;
                    notifyAll();
                }
            } catch (InterruptedException e) {
                throw new UncheckedIOException(new IOException("interrupted", e));
            }
        }
    }
}

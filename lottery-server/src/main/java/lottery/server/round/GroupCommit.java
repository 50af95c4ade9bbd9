package lottery.server.round;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import lottery.common.log.LogText;
import lottery.server.store.BetStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: runs a callback once every write the store made before it was asked for is durable, and forces the
 * store as seldom as that allows. One force covers every write made before it started, from every connection, so
 * while one force runs the batches that arrive meanwhile wait for the next one, which covers them all.
 *
 * <p>With {@code fsync} off a write is durable enough once it is in the operating system (it survives a crash of the
 * process): callbacks run at once.
 *
 * <p>Thread context: called on the lottery thread (every entry checks it), and runs every callback there. The force itself runs on the sync
 * executor (the server's {@code store-sync} thread), which hands its completion back to the lottery thread
 * ({@link HandOff}); with no sync executor it runs inline. {@link #syncNow} (a stop) forces on the lottery thread and releases every callback.
 */
final class GroupCommit {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    private final BetStore store;
    private final boolean fsync;
    private final LotteryThread lotteryThread;
    private final Executor syncThread;
    /** Told how long each force took; read by the thread that forces. */
    private final RoundObserver observer;
    private final Deque<Waiter> waiting = new ArrayDeque<>();
    /** Writes known to be durable. */
    private long durable;
    /** A force runs on the sync thread. */
    private boolean syncing;

    private record Waiter(long target, Consumer<IOException> callback) {
    }

    /**
     * @param syncThread where forces run; null = inline, on the lottery thread
     */
    GroupCommit(BetStore store, boolean fsync, LotteryThread lotteryThread, Executor syncThread) {
        this(store, fsync, lotteryThread, syncThread, RoundObserver.NONE);
    }

    /**
     * @param syncThread where forces run; null = inline, on the lottery thread
     * @param observer   told how long each successful force took (on the thread that forced)
     */
    GroupCommit(BetStore store, boolean fsync, LotteryThread lotteryThread, Executor syncThread,
                RoundObserver observer) {
        this.store = store;
        this.fsync = fsync;
        this.lotteryThread = lotteryThread;
        this.syncThread = syncThread;
        this.observer = observer;
    }

    /** Writes made and not known to be durable yet (0 without fsync: the OS having them is enough). */
    long backlog() {
        lotteryThread.checkInThread();
        return fsync ? Math.max(0, store.written() - durable) : 0;
    }

    /**
     * Runs {@code callback} once every write made so far is durable: with {@code null}, or with the failure of the
     * force that should have made them so. At once when nothing is waiting to be forced.
     */
    void afterDurable(Consumer<IOException> callback) {
        lotteryThread.checkInThread();
        afterDurable(store.written(), callback);
    }

    /**
     * Runs {@code callback} once the first {@code target} writes are durable (a count {@link BetStore#written} had):
     * at once when they are. What one agency's answer depends on may be an earlier write than the last one.
     */
    void afterDurable(long target, Consumer<IOException> callback) {
        lotteryThread.checkInThread();
        if (!fsync || target <= durable) {
            callback.accept(null);
            return;
        }
        waiting.add(new Waiter(target, callback));
        startSync();
    }

    /** Callbacks waiting for a force. */
    int waitingCount() {
        lotteryThread.checkInThread();
        return waiting.size();
    }

    /** Forces now, on this thread, and releases every waiting callback (the server stops). */
    void syncNow() {
        lotteryThread.checkInThread();
        if (waiting.isEmpty()) {
            return;
        }
        if (syncing && store.commitsAreIndependent()) {
            // A commit runs on the sync thread and its outcome is not known yet: a commit of our own would say
            // nothing about its writes. Its completion, queued on this thread, answers its callbacks; the later ones
            // are not answered (their connections close: the agencies resend after their next HELLO).
            return;
        }
        Forced forced = force();
        release(forced.covering(), forced.failure());
    }

    /** What one force made durable: the writes it covers, and its failure (null when it succeeded). */
    private record Forced(long covering, IOException failure) {
    }

    /**
     * Forces the store. The write count is read before the force starts: it covers every write finished by then,
     * also those made while a sync task waited for its thread.
     */
    private Forced force() {
        long covering = store.written();
        try {
            long started = System.nanoTime();
            store.sync(covering);
            observer.committed(System.nanoTime() - started);
            return new Forced(covering, null);
        } catch (IOException e) {
            return new Forced(covering, e);
        }
    }

    private void startSync() {
        if (syncing || waiting.isEmpty()) {
            return;
        }
        if (syncThread == null) {
            syncNow();
            return;
        }
        syncing = true;
        // A completion the lottery thread no longer takes is dropped: its last task released every callback.
        if (!HandOff.run(syncThread, this::force, lotteryThread, this::synced)) {
            syncing = false;
            syncNow();
        }
    }

    private void synced(Forced forced) {
        syncing = false;
        release(forced.covering(), forced.failure());
        startSync();
    }

    private void release(long covering, IOException failure) {
        if (failure == null) {
            durable = Math.max(durable, covering);
        } else {
            LOG.error("action: fsync | result: fail | error: {}", LogText.clean(String.valueOf(failure.getMessage())));
        }
        while (!waiting.isEmpty() && waiting.peek().target() <= covering) {
            waiting.poll().callback().accept(failure);
        }
    }
}

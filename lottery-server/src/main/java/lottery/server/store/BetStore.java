package lottery.server.store;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import lottery.protocol.message.BatchBytes;
import lottery.protocol.message.Bet;

/**
 * Where the bets are kept: the only way the lottery writes and reads them. Two engines implement it: the assignment's
 * CSV file with its round log ({@code store.csv}) and PostgreSQL shared by several servers ({@code store.postgres}).
 *
 * <p>Thread context: not thread-safe, and it need not be. One thread owns a store: the server's lottery thread,
 * which runs every request and the draw (see the round package). Every call may block on I/O, so that thread is
 * never an event loop.
 */
public interface BetStore extends Closeable {

    /**
     * The assignment's {@code store_bets}: stores {@code bets}, taken by {@code agency}, all of them or none. When it
     * returns they survive a crash of the server process (how much more is the implementation's promise).
     *
     * @throws IOException when they could not be stored; then none of them is
     */
    void append(int agency, List<Bet> bets) throws IOException;

    /**
     * Stores the batch {@code seq} of {@code agency} (seq 0: a single BET), all of it or nothing, and records it in
     * the round (so a restart knows the agency's last seq). A store without a round just stores the bets.
     *
     * @throws IOException when they could not be stored; then none of them is
     */
    default void append(int agency, long seq, List<Bet> bets) throws IOException {
        append(agency, bets);
    }

    /**
     * The same for a batch still in its wire bytes, as the server receives it: a store may write its rows straight
     * from them (the CSV store does, one write per batch, no object per bet); the default stores
     * {@code batch.bets()}. Same promise: all or nothing, recorded in the round.
     *
     * @throws IOException when they could not be stored; then none of them is
     */
    default void append(int agency, BatchBytes batch) throws IOException {
        append(agency, batch.seq(), batch.bets());
    }

    /** Records that {@code agency} finished with {@code stored} bets. */
    default void finish(int agency, long stored) throws IOException {
    }

    /** Records that the draw ran over {@code bets} bets and found {@code winners} winners. */
    default void drawn(long bets, long winners) throws IOException {
    }

    /**
     * Records that {@code agency} was sent its winners. A round whose draw ran is complete once every agency was: only
     * then does the next server start a new round (before, a restart keeps answering the winners).
     */
    default void answered(int agency) throws IOException {
    }

    /**
     * How many writes the store has made so far (a count that only grows). A {@link #sync} that starts once the
     * count is {@code n} makes the first {@code n} writes durable. Written by the owner thread, read by any thread
     * (the sync thread reads it as its force starts).
     */
    default long written() {
        return 0;
    }

    /**
     * Forces every write made before the call to the disk. The only method another thread (the {@code store-sync}
     * thread of the round's group commit) may call while the owner thread goes on writing.
     */
    default void sync() throws IOException {
    }

    /**
     * Makes the first {@code upTo} writes durable ({@link #written} was {@code upTo} when the caller decided to
     * sync). A file's force covers every write made before it, so the default is {@link #sync()}; a store whose
     * commits are transactions commits only writes up to {@code upTo} here, so that what the caller acknowledges is
     * exactly what was committed.
     */
    default void sync(long upTo) throws IOException {
        sync();
    }

    /**
     * Whether one {@link #sync} makes durable only what it took itself (database transactions), rather than every
     * write made before it (a file's force). Then a sync that overlaps another one says nothing about the other's
     * writes.
     */
    default boolean commitsAreIndependent() {
        return false;
    }

    /**
     * The assignment's {@code load_bets}, streamed: hands every stored bet to {@code action}, in the order stored,
     * without holding them all in memory.
     *
     * @throws IOException when the bets cannot be read or one is not a bet
     */
    void forEach(Consumer<? super StoredBet> action) throws IOException;

    /**
     * The draw's read: the assignment's {@code load_bets} + {@code has_won} over every stored bet, streamed like
     * {@link #forEach} and failing where it fails. A store may do it without building each {@link StoredBet}
     * (the CSV engine scans the file's bytes); the result is the one this default computes from {@link #forEach}.
     *
     * @return how many bets are stored, and the documents of the winners per agency in the order stored
     * @throws IOException when the bets cannot be read or one is not a bet
     */
    default DrawResult draw() throws IOException {
        Map<Integer, List<String>> winners = new HashMap<>();
        long[] bets = new long[1];
        forEach(bet -> {
            bets[0]++;
            if (bet.hasWon()) {
                winners.computeIfAbsent(bet.agency(), agency -> new ArrayList<>()).add(bet.document());
            }
        });
        return new DrawResult(bets[0], winners);
    }

    /** Makes what was stored durable and releases the store. Idempotent; nothing can be stored afterwards. */
    @Override
    void close() throws IOException;
}

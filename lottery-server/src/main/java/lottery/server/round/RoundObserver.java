package lottery.server.round;

import lottery.protocol.message.ErrorCode;

/**
 * What the round tells an observer as it goes (the ops endpoint's metrics, {@code lottery.server.ops}): bets stored,
 * refusals, how long Acks and commits took. The round calls it on its hot paths, so an implementation must be cheap:
 * no allocation, no lock, no I/O per call (counters such as {@code LongAdder}). {@link #NONE}, the default, does
 * nothing, and is all the round ever loads when the ops endpoint is off.
 *
 * <p>Thread context: {@link #stored}, {@link #refused} and {@link #acked} are called on the lottery thread,
 * {@link #committed} on the {@code store-sync} thread (or on the lottery thread when a stop forces); an
 * implementation is therefore thread-safe, and is read by its own threads.
 */
public interface RoundObserver {
    /** The observer that observes nothing. */
    RoundObserver NONE = new RoundObserver() {
    };

    /** {@code bets} bets of {@code agency} were stored, as batch {@code seq} (0: a single BET). */
    default void stored(int agency, long seq, int bets) {
    }

    /** A request was answered with the error {@code code}. */
    default void refused(ErrorCode code) {
    }

    /** An Ack left {@code nanos} after its request was taken on the lottery thread (its force included). */
    default void acked(long nanos) {
    }

    /** A force of the store (an {@code fsync}, or a database commit) took {@code nanos}. */
    default void committed(long nanos) {
    }
}

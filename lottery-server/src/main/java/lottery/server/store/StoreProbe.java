package lottery.server.store;

/**
 * A cheap check that the storage can still take writes, for the ops endpoint's {@code /ready}: the CSV engine looks
 * at the bets file, the PostgreSQL engine asks the database with a short timeout. It never touches the round's
 * {@link BetStore}, which belongs to the lottery thread.
 *
 * <p>Thread context: thread-safe; it may block for up to its timeout, so it runs on a thread of its own (the ops
 * endpoint's {@code ops-check}), never on the lottery thread or an event loop.
 */
@FunctionalInterface
public interface StoreProbe {
    /** The probe of a storage with nothing to check. */
    StoreProbe NONE = () -> null;

    /** Why the storage cannot take writes now, in one line; null when it can. */
    String problem();
}

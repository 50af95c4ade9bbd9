package lottery.server.store;

import java.io.Closeable;
import java.io.IOException;

/**
 * A storage engine as the server's start-up sees it: how the round is found, then opened (resumed, or a new one
 * started). The CSV file ({@code lottery.server.store.csv}) and PostgreSQL ({@code lottery.server.store.postgres})
 * are the two; only the start-up code ({@code lottery.server.LotteryServer}) chooses one, and everything after
 * {@link #open} sees a {@link BetStore} alone.
 *
 * <p>Thread context: {@link #prepare} runs on the thread that starts the server, before the port is bound;
 * {@link #open} on the lottery thread once the port is bound, with no connection accepted yet; {@link #close} on the
 * thread that stops the server, after the store it opened was closed.
 */
public interface StoreEngine extends Closeable {

    /**
     * Takes the storage for this server and reads back what it holds, changing nothing (the port is not bound yet: a
     * failure here leaves nothing behind).
     *
     * @param authenticated whether this server authenticates its agencies (SERVER_SECRETS_FILE is set)
     * @throws IOException when the storage is taken by another server, corrupt, or cannot be used with this
     *                     configuration
     */
    void prepare(boolean authenticated) throws IOException;

    /**
     * Resumes the round found by {@link #prepare}, or starts a new one (archiving the old one where the engine keeps
     * old rounds), and logs which it did ({@code action: new_round} or {@code action: resume_round}).
     */
    OpenedRound open() throws IOException;

    /**
     * A cheap check that the storage still takes writes (the ops endpoint's {@code /ready}); the default checks
     * nothing. Asked for once the round is open; the probe runs on a thread of its own.
     */
    default StoreProbe probe() {
        return StoreProbe.NONE;
    }

    /** Releases what {@link #prepare} took (a lock). Idempotent; the store {@link #open} gave is closed before. */
    @Override
    void close() throws IOException;
}

package lottery.server.round;

import java.util.concurrent.Executor;

/**
 * The server's <em>lottery thread</em>: the one thread that owns the round (the {@link DrawCoordinator}, every
 * {@link AgencyConversation}, the bets store while the server runs) and so needs no lock. Tasks given to
 * {@link #execute} run on it one at a time, in the order they were given.
 *
 * <p>Typed, not a plain {@link Executor}, so that code can ask "am I on you?" ({@link #inThread}) and refuse to
 * touch the round from anywhere else ({@link #checkInThread}): a call from another thread is a bug that would
 * otherwise show only as a rare, unreproducible corruption.
 *
 * <p>In the server it is a Netty executor, adapted outside this package (the round sees no Netty type); in tests, a
 * queue the test runs on its own thread ({@code lottery.server.support.TaskQueue}).
 *
 * <p>Thread context: {@link #execute}, {@link #inThread} and {@link #checkInThread} may be called from any thread.
 */
public interface LotteryThread extends Executor {
    /** Whether the caller runs on this thread. */
    boolean inThread();

    /**
     * Throws unless the caller runs on this thread.
     *
     * @throws IllegalStateException naming the calling thread, when it is not this one
     */
    default void checkInThread() {
        if (!inThread()) {
            throw new IllegalStateException("called on thread '" + Thread.currentThread().getName()
                    + "', not on the lottery thread that owns the round");
        }
    }
}

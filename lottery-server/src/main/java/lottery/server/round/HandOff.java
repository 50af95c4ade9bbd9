package lottery.server.round;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a piece of work on another thread and hands its result back to the lottery thread: the one pattern by which
 * the round lets slow work (a force of the store, a poll of a shared draw) run without holding up the requests.
 *
 * <p>The work must touch no lottery-thread state (it runs elsewhere, at the same time as the requests); only its
 * result crosses back, as a task queued on the lottery thread. Once the server stops, either thread may refuse the
 * task: a refusal by the worker is reported to the caller ({@link #run} returns false, so it can do the work some
 * other way or give up); a refusal by the lottery thread means it has ended, so nobody waits for the result any
 * more and it is dropped.
 *
 * <p>Thread context: {@link #run} is called on the lottery thread; {@code work} runs on {@code worker},
 * {@code whenDone} on the lottery thread.
 */
final class HandOff {
    private HandOff() {
    }

    /**
     * Runs {@code work} on {@code worker}, then {@code whenDone} with its result on {@code lotteryThread}.
     *
     * @return false when {@code worker} refused the work (the server stops): nothing ran and nothing will
     */
    static <T> boolean run(Executor worker, Supplier<? extends T> work, LotteryThread lotteryThread,
                           Consumer<? super T> whenDone) {
        try {
            worker.execute(() -> {
                T result = work.get();
                try {
                    lotteryThread.execute(() -> whenDone.accept(result));
                } catch (RejectedExecutionException stopping) {
                    // The lottery thread has ended: nobody waits for this result any more.
                }
            });
            return true;
        } catch (RejectedExecutionException stopping) {
            return false;
        }
    }
}

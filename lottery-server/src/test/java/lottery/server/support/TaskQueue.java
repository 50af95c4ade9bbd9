package lottery.server.support;

import java.util.ArrayDeque;
import java.util.Queue;
import lottery.server.round.LotteryThread;

/**
 * A stand-in for the server's lottery thread that the test itself drives: {@link #execute} only queues, and the
 * test runs the queue, in order, on its own thread, when it chooses. So a test decides exactly when the requests and
 * the draw run, without sleeping or racing another thread.
 *
 * <p>Thread context: the thread that created it is "the lottery thread" ({@link #inThread}); everything, the queue
 * included, is used on that thread only.
 */
public final class TaskQueue implements LotteryThread {
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final Thread owner = Thread.currentThread();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    @Override
    public boolean inThread() {
        return Thread.currentThread() == owner;
    }

    /** Runs every queued task, and the tasks they queue, in order; returns how many ran. */
    public int runAll() {
        int ran = 0;
        for (Runnable task; (task = tasks.poll()) != null; ran++) {
            task.run();
        }
        return ran;
    }

    /** Tasks waiting to run. */
    public int size() {
        return tasks.size();
    }
}

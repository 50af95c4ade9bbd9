package lottery.server.net;

import io.netty.util.concurrent.EventExecutor;
import java.util.Objects;
import lottery.server.round.LotteryThread;

/**
 * The server's lottery thread as the round sees it: a single-threaded Netty {@link EventExecutor} behind the
 * {@link LotteryThread} interface, so the round package asks "am I on the lottery thread?" without seeing Netty.
 *
 * <p>Thread context: any thread; it only forwards to the executor, which is thread-safe.
 */
public final class NettyLotteryThread implements LotteryThread {
    private final EventExecutor executor;

    /** @param executor a single-threaded executor (one thread runs all its tasks, in order) */
    public NettyLotteryThread(EventExecutor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    @Override
    public boolean inThread() {
        return executor.inEventLoop();
    }
}

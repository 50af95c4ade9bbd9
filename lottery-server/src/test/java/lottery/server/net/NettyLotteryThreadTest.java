package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The production lottery thread: a Netty executor that knows whether its caller runs on it. */
class NettyLotteryThreadTest {
    @Test
    void onlyTheExecutorsOwnThreadIsTheLotteryThread() throws Exception {
        EventExecutor executor = new DefaultEventExecutor(new DefaultThreadFactory("lottery"));
        try {
            NettyLotteryThread thread = new NettyLotteryThread(executor);

            assertThat(thread.inThread()).isFalse();
            assertThatThrownBy(thread::checkInThread).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'" + Thread.currentThread().getName() + "'");
            assertThat(executor.submit(thread::inThread).get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(executor.submit(() -> {
                thread.checkInThread();
                return true;
            }).get(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            executor.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}

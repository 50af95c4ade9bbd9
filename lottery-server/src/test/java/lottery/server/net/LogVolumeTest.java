package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import lottery.common.log.RateLimitedLog;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Garbage from peers cannot flood the log: the per-connection failure lines and the accept failures are
 * rate-limited ({@code RateLimitedLog}), and an accept failure pauses accepting.
 */
class LogVolumeTest {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptErrorHandler.class);
    private static final int GARBAGE = 10_000;
    /** Lines a key may write in one interval, plus its summary line. */
    private static final int BOUND = 10 + 1;

    @BeforeEach
    @AfterEach
    void resetLimits() {
        LogLimits.reset();
    }

    @Test
    void tenThousandConnectionsSpeakingNoProtocolLogABoundedNumberOfLines() {
        try (LogCapture log = LogCapture.open()) {
            for (int i = 0; i < GARBAGE; i++) {
                EmbeddedChannel channel = new EmbeddedChannel(new ProtocolDetector(new ServerInitializer(null, null,
                        null, 0)));
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x01, 0x02}));
                assertThat(channel.isOpen()).isFalse();
                channel.finishAndReleaseAll();
            }
            assertThat(log.messagesStartingWith("action: detect_protocol | result: fail"))
                    .isNotEmpty().hasSizeLessThanOrEqualTo(BOUND);
        }
    }

    @Test
    void tenThousandFailingConnectionsLogABoundedNumberOfLines() {
        try (LogCapture log = LogCapture.open()) {
            for (int i = 0; i < GARBAGE; i++) {
                EmbeddedChannel channel = new EmbeddedChannel(ExceptionHandler.INSTANCE);
                channel.pipeline().fireExceptionCaught(new IllegalStateException("bug " + i));
                assertThat(channel.isOpen()).isFalse();
                channel.finishAndReleaseAll();
            }
            for (int i = 0; i < GARBAGE; i++) {
                EmbeddedChannel channel = new EmbeddedChannel(ExceptionHandler.INSTANCE);
                channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
                assertThat(channel.isOpen()).isFalse();
                channel.finishAndReleaseAll();
            }
            assertThat(log.messagesStartingWith("action: connection_error")).hasSizeLessThanOrEqualTo(BOUND);
            assertThat(log.messagesStartingWith("action: close_connection")).hasSizeLessThanOrEqualTo(BOUND);
            assertThat(log.lines()).hasSizeLessThanOrEqualTo(2 * BOUND);
        }
    }

    @Test
    void acceptFailuresPauseAcceptingAreLoggedOncePerIntervalAndStopThere() {
        List<Throwable> passedOn = new ArrayList<>();
        AtomicLong now = new AtomicLong();
        // The handler's own limiter (one line per 10 s), on a clock the test moves.
        RateLimitedLog limited = new RateLimitedLog(LOG, 1, RateLimitedLog.DEFAULT_INTERVAL, now::get);
        EmbeddedChannel server = new EmbeddedChannel(new AcceptErrorHandler(limited), new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                passedOn.add(cause);
            }
        });
        server.freezeTime();
        try (LogCapture log = LogCapture.open()) {
            for (int i = 0; i < GARBAGE; i++) {
                server.pipeline().fireExceptionCaught(new IOException("Too many open files"));
            }
            assertThat(server.config().isAutoRead()).as("accepting paused").isFalse();

            server.advanceTimeBy(AcceptErrorHandler.PAUSE_MILLIS - 1, TimeUnit.MILLISECONDS);
            server.runScheduledPendingTasks();
            assertThat(server.config().isAutoRead()).as("still paused").isFalse();
            server.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            server.runScheduledPendingTasks();
            assertThat(server.config().isAutoRead()).as("accepting again after the pause").isTrue();

            assertThat(passedOn).isEmpty();
            assertThat(log.lines()).containsExactly(
                    "WARN action: accept_connections | result: fail | error: Too many open files | repeated: 1");

            now.addAndGet(RateLimitedLog.DEFAULT_INTERVAL.toNanos());
            limited.flush();
            assertThat(log.lines()).containsExactly(
                    "WARN action: accept_connections | result: fail | error: Too many open files | repeated: 1",
                    "WARN action: accept_connections | result: fail | error: Too many open files | repeated: 9999");
        } finally {
            server.finishAndReleaseAll();
        }
    }
}

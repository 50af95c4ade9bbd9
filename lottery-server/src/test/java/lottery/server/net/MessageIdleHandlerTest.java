package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lottery.protocol.codec.ProtocolException;
import lottery.protocol.message.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MessageIdleHandlerTest {
    private final List<Object> events = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    MessageIdleHandlerTest() {
        channel.freezeTime();
        channel.pipeline().addLast(new MessageIdleHandler(1), new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // Passed on, as the lottery handler would take it.
            }
        });
    }

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    private void advanceMillis(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void idleAfterTheTimeoutWithoutMessagesThenAgainEachPeriod() {
        advanceMillis(999);
        assertThat(events).isEmpty();
        advanceMillis(1);
        assertThat(events).containsExactly(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        advanceMillis(1_000);
        assertThat(events).containsExactly(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT,
                IdleStateEvent.READER_IDLE_STATE_EVENT);
    }

    @Test
    void aMessageOrAnUndecodableFrameRestartsTheCount() {
        advanceMillis(900);
        channel.writeInbound("a whole message");
        advanceMillis(900);
        channel.pipeline().fireExceptionCaught(new ProtocolException(ErrorCode.INVALID_BET, "bad bet"));
        advanceMillis(999);
        assertThat(events).isEmpty();
        advanceMillis(1);
        assertThat(events).containsExactly(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        String read = channel.readInbound();
        assertThat(read).isEqualTo("a whole message");
    }

    @Test
    void anotherFailureIsNotAMessage() {
        advanceMillis(900);
        channel.pipeline().fireExceptionCaught(new IllegalStateException("bug"));
        advanceMillis(100);
        assertThat(events).containsExactly(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
    }
}

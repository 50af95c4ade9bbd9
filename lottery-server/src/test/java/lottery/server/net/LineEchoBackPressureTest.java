package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.string.StringEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A peer that sends lines but does not read its echoes stops being read until they drain. */
class LineEchoBackPressureTest {

    /** Holds flushes back, as a peer that does not read makes the socket do. */
    private static final class Stuck extends ChannelOutboundHandlerAdapter {
        boolean stuck = true;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (!stuck) {
                ctx.flush();
            }
        }
    }

    @Test
    void readingPausesWhileTheEchoesCannotBeWrittenAndResumesWhenTheyDrain() {
        Stuck stuck = new Stuck();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(150, 300));
        channel.pipeline().addLast(stuck, new StringEncoder(StandardCharsets.UTF_8), LineEchoHandler.INSTANCE);

        // Netty counts each pending message as its bytes plus about 100 bytes of bookkeeping.
        channel.writeInbound("first line");
        assertThat(channel.config().isAutoRead()).as("under the high water mark").isTrue();
        channel.writeInbound("x".repeat(200));
        assertThat(channel.isWritable()).isFalse();
        assertThat(channel.config().isAutoRead()).as("paused while the echoes are stuck").isFalse();

        stuck.stuck = false;
        channel.flush();

        assertThat(channel.isWritable()).isTrue();
        assertThat(channel.config().isAutoRead()).as("resumed once they drained").isTrue();
        assertThat(channel.outboundMessages()).hasSize(2);
        channel.releaseOutbound();
        assertThat(channel.finish()).isFalse();
    }
}

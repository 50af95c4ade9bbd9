package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import lottery.server.net.ProtocolDetector.Kind;
import org.junit.jupiter.api.Test;

class ProtocolDetectorTest {

    @Test
    void theFirstByteChoosesTheProtocol() {
        assertThat(ProtocolDetector.classify(0x00)).isEqualTo(Kind.LOTTERY);
        for (int b : new int[] {' ', 'h', '~', '\t', '\r', '\n', 0x80, 0xC3, 0xFF}) {
            assertThat(ProtocolDetector.classify(b)).as("byte 0x%02x", b).isEqualTo(Kind.ECHO);
        }
        for (int b : new int[] {0x01, 0x03, 0x08, 0x0B, 0x1B, 0x1F, 0x7F}) {
            assertThat(ProtocolDetector.classify(b)).as("byte 0x%02x", b).isEqualTo(Kind.UNKNOWN);
        }
    }

    /** Records which protocol was installed and what bytes reach it. */
    private static final class Recorder implements ProtocolDetector.Protocols {
        final List<String> installed = new ArrayList<>();
        final List<String> received = new ArrayList<>();

        @Override
        public void installLottery(ChannelPipeline pipeline) {
            install("lottery", pipeline);
        }

        @Override
        public void installEcho(ChannelPipeline pipeline) {
            install("echo", pipeline);
        }

        private void install(String name, ChannelPipeline pipeline) {
            installed.add(name);
            pipeline.addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf bytes = (ByteBuf) msg;
                    received.add(bytes.toString(StandardCharsets.ISO_8859_1));
                    bytes.release();
                }
            });
        }
    }

    @Test
    void installsTheProtocolRemovesItselfAndPassesTheBytesOn() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(new ProtocolDetector(recorder));

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 4}));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0}));

        assertThat(recorder.installed).containsExactly("lottery");
        assertThat(recorder.received).containsExactly("\0\0\0\1\4", "\0\0");
        assertThat(channel.pipeline().get(ProtocolDetector.class)).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void anUnknownFirstByteClosesWithoutInstallingAnything() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(new ProtocolDetector(recorder));

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x05, 'x'}));

        assertThat(recorder.installed).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedWhenIdleOrHalfClosed() {
        for (Object event : new Object[] {IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT,
            ChannelInputShutdownEvent.INSTANCE}) {
            EmbeddedChannel channel = new EmbeddedChannel(new ProtocolDetector(new Recorder()));

            channel.pipeline().fireUserEventTriggered(event);

            assertThat(channel.isOpen()).as("closed on " + event).isFalse();
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void theEchoPipelineAnswersLinesAndTheLastUnterminatedOneOnHalfClose() {
        ServerInitializer initializer = new ServerInitializer(null, null, null, 0);
        EmbeddedChannel channel = new EmbeddedChannel(new ProtocolDetector(initializer));

        channel.writeInbound(Unpooled.copiedBuffer("hola\r\nmun", StandardCharsets.UTF_8));
        channel.writeInbound(Unpooled.copiedBuffer("do ñ", StandardCharsets.UTF_8));
        assertThat(readOutbound(channel)).isEqualTo("hola\n");
        assertThat(channel.isOpen()).isTrue();

        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        channel.runPendingTasks();

        assertThat(readOutbound(channel)).isEqualTo("mundo ñ\n");
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finish()).isFalse();
    }

    /** Every outbound byte as UTF-8, releasing the buffers. */
    private static String readOutbound(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            out.append(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return out.toString();
    }
}

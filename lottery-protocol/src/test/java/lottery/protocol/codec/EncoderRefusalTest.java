package lottery.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.EncoderException;
import java.util.Collections;
import lottery.protocol.message.Batch;
import org.junit.jupiter.api.Test;

/** The encoder never sends a frame over 8192 bytes: the write fails, nothing reaches the wire, the channel goes on. */
class EncoderRefusalTest {

    @Test
    void aBatchOverTheFrameLimitFailsItsWriteAndSendsNothing() {
        // 16 x 539 + 11 = 8635 bytes: one largest bet more than fits.
        Batch oversize = new Batch(1, Collections.nCopies(16, MessageGenerator.largestBet()));
        try (CodecChannel codec = new CodecChannel()) {
            ChannelFuture write = codec.channel().writeOneOutbound(oversize);
            codec.channel().flushOutbound();

            assertThat(write.isDone()).isTrue();
            assertThat(write.cause()).isInstanceOf(EncoderException.class)
                    .hasMessageContaining("BATCH frame of 8635 bytes exceeds the 8192-byte limit");
            assertThat(codec.drainOutbound()).isEmpty();
            assertThat(codec.encode(GoldenFrames.FINISH.message())).isEqualTo(GoldenFrames.FINISH.bytes());
        }
    }

    @Test
    void writeFrameRefusesAnOversizeBatchAndLeavesTheBufferAsItWas() {
        Batch oversize = new Batch(1, Collections.nCopies(16, MessageGenerator.largestBet()));
        ByteBuf buf = Unpooled.buffer().writeByte(0x7E);
        try {
            assertThatThrownBy(() -> Wire.writeFrame(oversize, buf)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("BATCH frame of 8635 bytes exceeds the 8192-byte limit");
            assertThat(ByteBufUtil.getBytes(buf)).containsExactly(0x7E);
        } finally {
            buf.release();
        }
    }

    @Test
    void oneBetFewerFits() {
        Batch fits = new Batch(1, Collections.nCopies(15, MessageGenerator.largestBet()));
        try (CodecChannel codec = new CodecChannel()) {
            assertThat(codec.encode(fits)).hasSize(11 + 15 * 539);
        }
    }
}

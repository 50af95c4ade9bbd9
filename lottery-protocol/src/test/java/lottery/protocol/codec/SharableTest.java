package lottery.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerAdapter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The codec handlers answer {@code isSharable()} themselves (so that Netty does not read their annotations at every
 * start, LotteryPipeline): the answer must be what their {@code @Sharable} annotation says.
 */
class SharableTest {

    @Test
    void eachCodecHandlerSaysWhatItsAnnotationSays() {
        List<ChannelHandlerAdapter> handlers = List.of(new LotteryFrameDecoder(), LotteryMessageDecoder.INSTANCE,
                LotteryMessageDecoder.BATCH_BYTES, LotteryMessageEncoder.INSTANCE);
        for (ChannelHandlerAdapter handler : handlers) {
            assertThat(handler.isSharable()).as(handler.getClass().getSimpleName())
                    .isEqualTo(handler.getClass().isAnnotationPresent(Sharable.class));
        }
        assertThat(LotteryMessageEncoder.INSTANCE.isSharable()).isTrue();
        assertThat(new LotteryFrameDecoder().isSharable()).isFalse();
    }
}

package lottery.client.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerAdapter;
import java.util.List;
import lottery.client.StopSignal;
import org.junit.jupiter.api.Test;

/**
 * The client's own handlers answer {@code isSharable()} themselves (so that Netty does not read their annotations at
 * every start, lottery.protocol.codec.LotteryPipeline): neither may be shared, and neither says otherwise.
 */
class SharableTest {

    @Test
    void theInboxAndTheTlsAlertsBelongToOneChannel() {
        List<ChannelHandlerAdapter> handlers = List.of(new Inbox<>(String.class, new StopSignal()),
                new TlsAlerts("server"));
        for (ChannelHandlerAdapter handler : handlers) {
            assertThat(handler.isSharable()).as(handler.getClass().getSimpleName()).isFalse();
            assertThat(handler.getClass().isAnnotationPresent(Sharable.class)).isFalse();
        }
    }
}

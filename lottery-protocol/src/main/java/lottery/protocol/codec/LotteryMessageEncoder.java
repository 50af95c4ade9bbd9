package lottery.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;
import lottery.protocol.message.LotteryMessage;

/**
 * Turns a message record into a frame body (type byte + body) with {@link Wire#write}; the length prefix is added
 * after it by a {@code LengthFieldPrepender(4)}. A message whose frame would exceed 8192 bytes fails the write with
 * an {@link EncoderException} and nothing is sent. Stateless and sharable.
 */
@Sharable
public final class LotteryMessageEncoder extends MessageToMessageEncoder<LotteryMessage> {
    public static final LotteryMessageEncoder INSTANCE = new LotteryMessageEncoder();

    private LotteryMessageEncoder() {
        super(LotteryMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, LotteryMessage msg, List<Object> out) {
        ByteBuf buf = ctx.alloc().buffer();
        boolean handedOver = false;
        try {
            Wire.write(msg, buf);
            out.add(buf);
            handedOver = true;
        } catch (IllegalArgumentException e) {
            throw new EncoderException(e.getMessage(), e);
        } finally {
            // Whatever failed, the buffer is ours until it is in out: release it so a refused write leaks nothing.
            if (!handedOver) {
                buf.release();
            }
        }
    }
}

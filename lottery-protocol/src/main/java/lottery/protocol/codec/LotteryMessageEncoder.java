package lottery.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;
import lottery.protocol.message.LotteryMessage;

/**
 * Turns a message record into a frame (type byte + body) with {@link Wire#write}; the length prefix is added after
 * it by a {@code LengthFieldPrepender(4)}. Example: {@code Finish.INSTANCE} becomes the single byte {@code 04}.
 *
 * <p>A message whose frame would exceed 8192 bytes fails the write with an {@link EncoderException} and nothing is
 * sent: the superclass allocates the buffer and releases it when {@code encode} throws. Stateless and sharable.
 */
@Sharable
public final class LotteryMessageEncoder extends MessageToByteEncoder<LotteryMessage> {
    public static final LotteryMessageEncoder INSTANCE = new LotteryMessageEncoder();

    private LotteryMessageEncoder() {
        super(LotteryMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, LotteryMessage msg, ByteBuf out) {
        try {
            Wire.write(msg, out);
        } catch (IllegalArgumentException e) {
            throw new EncoderException(e.getMessage(), e);
        }
    }
}

package lottery.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;
import lottery.protocol.message.BatchBytes;
import lottery.protocol.message.Limits;
import lottery.protocol.message.LotteryMessage;

/**
 * Turns a message record into a whole frame on the wire with {@link Wire#writeFrame}: the 4-byte length prefix, then
 * the type byte and body. Example: {@code Finish.INSTANCE} becomes {@code 00 00 00 01 04}. The prefix is
 * written here, into the same buffer, rather than by a {@code LengthFieldPrepender(4)} after it: one buffer and
 * one handler per message instead of two (the prepender allocates a buffer for the four bytes and makes every write
 * a pair), which is most of what the agency client's event loop does per batch.
 *
 * <p>A message whose frame would exceed 8192 bytes fails the write with an {@link EncoderException} and nothing is
 * sent: the superclass allocates the buffer and releases it when {@code encode} throws. Stateless and sharable.
 */
@Sharable
public final class LotteryMessageEncoder extends MessageToByteEncoder<LotteryMessage> {
    public static final LotteryMessageEncoder INSTANCE = new LotteryMessageEncoder();
    /** What a BATCH frame adds to its bets' bytes: the prefix, the type byte, the seq and the count. */
    private static final int BATCH_OVERHEAD = Limits.LENGTH_FIELD_BYTES + 1 + 4 + 2;

    private LotteryMessageEncoder() {
        super(LotteryMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, LotteryMessage msg, ByteBuf out) {
        try {
            Wire.writeFrame(msg, out);
        } catch (IllegalArgumentException e) {
            throw new EncoderException(e.getMessage(), e);
        }
    }

    /** A BATCH's buffer is allocated at its size, so that it is not grown (copied) on the way. */
    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, LotteryMessage msg, boolean preferDirect)
            throws Exception {
        if (!(msg instanceof BatchBytes batch)) {
            return super.allocateBuffer(ctx, msg, preferDirect);
        }
        int size = BATCH_OVERHEAD + batch.length();
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }

    /** As its {@code @Sharable} says, answered without Netty reading the annotation (LotteryPipeline). */
    @Override
    public boolean isSharable() {
        return true;
    }
}

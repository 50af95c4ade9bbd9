package lottery.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Turns one frame (type byte + body, as cut by {@link LotteryFrameDecoder}) into a message record with
 * {@link Wire#read}. Bad input raises a {@link ProtocolException}. Stateless, so one instance serves every channel;
 * the frame is released by the superclass after {@code decode}, and no record keeps a reference to it.
 */
@Sharable
public final class LotteryMessageDecoder extends MessageToMessageDecoder<ByteBuf> {
    public static final LotteryMessageDecoder INSTANCE = new LotteryMessageDecoder(false);
    /**
     * The server's: a BATCH becomes a {@link lottery.protocol.message.BatchBytes} ({@link Wire#readBatchBytes}),
     * whose rows the server writes from the frame's bytes; everything else as {@link #INSTANCE}.
     */
    public static final LotteryMessageDecoder BATCH_BYTES = new LotteryMessageDecoder(true);

    private final boolean batchBytes;

    private LotteryMessageDecoder(boolean batchBytes) {
        super(ByteBuf.class);
        this.batchBytes = batchBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(batchBytes ? Wire.readBatchBytes(frame) : Wire.read(frame));
    }

    /** As its {@code @Sharable} says, answered without Netty reading the annotation (LotteryPipeline). */
    @Override
    public boolean isSharable() {
        return true;
    }
}

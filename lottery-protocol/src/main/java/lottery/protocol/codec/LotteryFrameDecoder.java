package lottery.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.Limits;

/**
 * Cuts the byte stream into frames: a 4-byte unsigned big-endian length, then that many bytes (type + body). The
 * length prefix is stripped. A length that would make the frame longer than 8192 bytes, prefix included, fails at
 * once (fail-fast, before its bytes arrive) with a {@link ProtocolException} of code FRAME_TOO_LARGE.
 *
 * <p>Example: {@code 00 00 00 01 04} is one frame holding the single byte {@code 04} (a Finish).
 *
 * <p>Holds the bytes of a partial frame, so it is not sharable: one instance per channel.
 */
public final class LotteryFrameDecoder extends LengthFieldBasedFrameDecoder {

    public LotteryFrameDecoder() {
        super(Limits.MAX_FRAME_BYTES, 0, Limits.LENGTH_FIELD_BYTES, 0, Limits.LENGTH_FIELD_BYTES, true);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        try {
            return super.decode(ctx, in);
        } catch (TooLongFrameException e) {
            throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE, null, 0, 0,
                    "frame exceeds the " + Limits.MAX_FRAME_BYTES + "-byte limit", e);
        }
    }

    /** No: one per channel. Answered here so that Netty does not read annotations (LotteryPipeline). */
    @Override
    public boolean isSharable() {
        return false;
    }
}

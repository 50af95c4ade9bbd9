package lottery.protocol.codec;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldPrepender;
import lottery.protocol.message.Limits;

/**
 * Installs the lottery codec in a pipeline, under fixed names. Inbound bytes go through the frame decoder, then the
 * message decoder; outbound messages go through the message encoder, then the length prepender (outbound events
 * travel from the tail towards the head, so the prepender sits before the encoder).
 */
public final class LotteryCodec {
    public static final String FRAME_DECODER = "frameDecoder";
    public static final String FRAME_ENCODER = "frameEncoder";
    public static final String MESSAGE_DECODER = "messageDecoder";
    public static final String MESSAGE_ENCODER = "messageEncoder";

    private static final LengthFieldPrepender PREPENDER = new LengthFieldPrepender(Limits.LENGTH_FIELD_BYTES);

    private LotteryCodec() {
    }

    /** Adds the four codec handlers at the end of {@code pipeline}; returns it. */
    public static ChannelPipeline addLast(ChannelPipeline pipeline) {
        return pipeline
                .addLast(FRAME_DECODER, new LotteryFrameDecoder())
                .addLast(FRAME_ENCODER, PREPENDER)
                .addLast(MESSAGE_DECODER, LotteryMessageDecoder.INSTANCE)
                .addLast(MESSAGE_ENCODER, LotteryMessageEncoder.INSTANCE);
    }
}

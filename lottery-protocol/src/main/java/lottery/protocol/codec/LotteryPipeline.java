package lottery.protocol.codec;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldPrepender;
import lottery.protocol.message.Limits;

/**
 * Installs the lottery protocol's four codec handlers in a pipeline, under the fixed names below. It is not a handler
 * itself: server and client initializers call {@link #addLast} and then add their own handlers after it.
 *
 * <pre>
 * inbound   ByteBuf        -&gt; FRAME_DECODER   -&gt; frame -&gt; MESSAGE_DECODER -&gt; LotteryMessage
 * outbound  LotteryMessage -&gt; MESSAGE_ENCODER -&gt; frame -&gt; FRAME_ENCODER   -&gt; ByteBuf (prefix + frame)
 * </pre>
 *
 * <p>Outbound events travel from the tail towards the head, so the prepender sits before the message encoder.
 */
public final class LotteryPipeline {
    public static final String FRAME_DECODER = "frameDecoder";
    public static final String FRAME_ENCODER = "frameEncoder";
    public static final String MESSAGE_DECODER = "messageDecoder";
    public static final String MESSAGE_ENCODER = "messageEncoder";

    /** Sharable (it keeps no state), so one instance serves every channel. */
    private static final LengthFieldPrepender PREPENDER = new LengthFieldPrepender(Limits.LENGTH_FIELD_BYTES);

    private LotteryPipeline() {
    }

    /**
     * Adds {@link LotteryFrameDecoder}, {@code LengthFieldPrepender(4)}, {@link LotteryMessageDecoder} and
     * {@link LotteryMessageEncoder} at the end of {@code pipeline}; returns it. The frame decoder is new for each
     * call, as it holds a channel's partial frame; the other three are shared.
     */
    public static ChannelPipeline addLast(ChannelPipeline pipeline) {
        return addLast(pipeline, LotteryMessageDecoder.INSTANCE);
    }

    /**
     * The same for the server: its message decoder is {@link LotteryMessageDecoder#BATCH_BYTES}, so a BATCH arrives
     * as a {@link lottery.protocol.message.BatchBytes}.
     */
    public static ChannelPipeline addServerLast(ChannelPipeline pipeline) {
        return addLast(pipeline, LotteryMessageDecoder.BATCH_BYTES);
    }

    private static ChannelPipeline addLast(ChannelPipeline pipeline, LotteryMessageDecoder decoder) {
        return pipeline
                .addLast(FRAME_DECODER, new LotteryFrameDecoder())
                .addLast(FRAME_ENCODER, PREPENDER)
                .addLast(MESSAGE_DECODER, decoder)
                .addLast(MESSAGE_ENCODER, LotteryMessageEncoder.INSTANCE);
    }
}

package lottery.protocol.codec;

import io.netty.channel.ChannelPipeline;

/**
 * Installs the lottery protocol's three codec handlers in a pipeline, under the fixed names below. It is not a handler
 * itself: server and client initializers call {@link #addLast} and then add their own handlers after it.
 *
 * <pre>
 * inbound   ByteBuf        -&gt; FRAME_DECODER   -&gt; frame -&gt; MESSAGE_DECODER -&gt; LotteryMessage
 * outbound  LotteryMessage -&gt; MESSAGE_ENCODER -&gt; ByteBuf (length prefix + frame)
 * </pre>
 */
public final class LotteryPipeline {
    public static final String FRAME_DECODER = "frameDecoder";
    public static final String MESSAGE_DECODER = "messageDecoder";
    public static final String MESSAGE_ENCODER = "messageEncoder";

    private LotteryPipeline() {
    }

    /**
     * Adds {@link LotteryFrameDecoder}, {@link LotteryMessageDecoder} and {@link LotteryMessageEncoder} (which writes
     * the length prefix itself) at the end of {@code pipeline}; returns it. The frame decoder is new for each call,
     * as it holds a channel's partial frame; the other two are shared.
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
                .addLast(MESSAGE_DECODER, decoder)
                .addLast(MESSAGE_ENCODER, LotteryMessageEncoder.INSTANCE);
    }
}

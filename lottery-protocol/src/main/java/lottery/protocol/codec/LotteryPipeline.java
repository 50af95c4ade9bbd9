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
 *
 * <p>Each of these handlers, and each of the client's, answers {@code isSharable()} itself. Netty's default reads
 * the class's {@code @Sharable} annotation by reflection when the class is first added, and the JDK then generates,
 * at every start, a proxy class for {@code @Sharable} and one for its meta-annotation {@code @Inherited}: about
 * 2-5% of a short client's CPU here (docs/PERFORMANCE.md, "Issue 22, sixth pass"). The {@code @Sharable} annotations
 * stay, for the reader and for Netty's own checks; {@code SharableTest} holds that both say the same.
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

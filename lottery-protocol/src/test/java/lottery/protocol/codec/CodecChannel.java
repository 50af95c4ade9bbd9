package lottery.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import lottery.protocol.message.LotteryMessage;

/**
 * An {@link EmbeddedChannel} with the lottery codec installed by {@link LotteryPipeline#addLast}, plus the byte-level
 * plumbing the tests share. Inbound bytes are copied into buffers of the channel's allocator, so leak detection
 * follows them through the codec. Everything read back is released here, so tests only see plain values.
 */
final class CodecChannel implements AutoCloseable {
    private final EmbeddedChannel channel = new EmbeddedChannel();

    CodecChannel() {
        LotteryPipeline.addLast(channel.pipeline());
    }

    /**
     * A codec channel whose buffers are not leak-tracked. At PARANOID level every access to a tracked buffer records
     * a stack trace, which makes thousands of generated batches take a minute; tests that need volume use this,
     * while the golden, stream and bad-input tests keep every buffer tracked.
     */
    static CodecChannel untracked() {
        CodecChannel codec = new CodecChannel();
        codec.channel.config().setAllocator(new UnpooledByteBufAllocator(false, true));
        return codec;
    }

    EmbeddedChannel channel() {
        return channel;
    }

    /** Writes {@code msg} through the encoders and returns the frame bytes, length prefix included. */
    byte[] encode(LotteryMessage msg) {
        assertThat(channel.writeOutbound(msg)).as("encoder produced output").isTrue();
        return drainOutbound();
    }

    /** Every outbound buffer queued so far, concatenated (the prepender emits prefix and body separately). */
    byte[] drainOutbound() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            try {
                assertThat(o).isInstanceOf(ByteBuf.class);
                out.writeBytes(ByteBufUtil.getBytes((ByteBuf) o));
            } finally {
                ReferenceCountUtil.release(o);
            }
        }
        return out.toByteArray();
    }

    /** Feeds each chunk as one inbound read and returns every message decoded, in order. */
    List<LotteryMessage> decode(byte[]... chunks) {
        for (byte[] chunk : chunks) {
            write(chunk);
        }
        return drainInbound();
    }

    /** Feeds {@code bytes} as one inbound read; decoding errors propagate as thrown by the pipeline. */
    void write(byte[] bytes) {
        channel.writeInbound(channel.alloc().buffer(bytes.length).writeBytes(bytes));
    }

    List<LotteryMessage> drainInbound() {
        List<LotteryMessage> messages = new ArrayList<>();
        for (Object o; (o = channel.readInbound()) != null; ) {
            try {
                assertThat(o).isInstanceOf(LotteryMessage.class);
                messages.add((LotteryMessage) o);
            } finally {
                ReferenceCountUtil.release(o);
            }
        }
        return messages;
    }

    /** Feeds {@code bytes} and returns the ProtocolException the decoders raise; fails when there is none. */
    ProtocolException decodeFailure(byte[] bytes) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> write(bytes));
        assertThat(e).as("decoding %s raises a ProtocolException", ByteBufUtil.hexDump(bytes)).isNotNull();
        return e;
    }

    /** Closes the channel and asserts, as every test must, that no message was left unread in either direction. */
    @Override
    public void close() {
        assertThat(channel.finish()).as("messages left in the channel").isFalse();
    }
}

package lottery.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;

/**
 * The invariants the fuzz tests check on any input ({@link FrameFuzzTest}, {@link WireFuzzTest}); they hold for every
 * byte sequence, so a violation is a bug in the codec (or in docs/PROTOCOL.md):
 *
 * <ul>
 *   <li>the inbound pipeline ({@link LotteryPipeline#addLast}) raises nothing but {@link ProtocolException}, with a
 *       code that §7 lists as the decoder's, the request type of the frame as {@code ref} (none when the type byte is
 *       unknown or missing) and, once a BATCH's 6-byte header is there, that header's seq and count;</li>
 *   <li>every frame that decodes re-encodes to exactly its own bytes (the encoding is canonical), through
 *       {@link Wire#write} and through the outbound pipeline (length prefix included), and those bytes decode to an
 *       equal message; the error reply built from each {@link ProtocolException} encodes and decodes the same way;</li>
 *   <li>no buffer leaks: once the channel is closed every inbound buffer has been released (checked directly on
 *       each input, which also works while fuzzing, when buffers are not leak-tracked);</li>
 *   <li>how the bytes are split into reads does not matter: the split stream decodes to the same messages and
 *       errors as the whole stream, up to the first fatal error (after which the server closes the connection).</li>
 * </ul>
 */
final class CodecOracle {
    /** The codes §7 says the decoders raise; the others are the server's. */
    static final Set<ErrorCode> DECODER_CODES = EnumSet.of(ErrorCode.MALFORMED_FRAME, ErrorCode.FRAME_TOO_LARGE,
            ErrorCode.UNKNOWN_TYPE, ErrorCode.BAD_MAGIC, ErrorCode.UNSUPPORTED_VERSION, ErrorCode.UNKNOWN_AGENCY,
            ErrorCode.INVALID_BET);

    /**
     * Unpooled buffers: a pooled buffer object is recycled once released, so the release check of {@link #decode}
     * (reference count 0) could read another allocation's count. The regression runs use direct ones, which Netty
     * tracks (PARANOID, so lottery-testkit's LeakCheckExtension also watches them; it does not track unpooled heap
     * buffers). Campaigns use heap ones, untracked, and rely on the release check: at PARANOID level a tracked buffer
     * records a stack trace on each access, which would slow fuzzing many times over.
     */
    private static final ByteBufAllocator TRACKED = new UnpooledByteBufAllocator(true);
    private static final ByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(false, true);

    /** Whether Jazzer is fuzzing (JAZZER_FUZZ set, as its JUnit integration reads it) rather than replaying seeds. */
    static final boolean FUZZING = System.getenv("JAZZER_FUZZ") != null && !System.getenv("JAZZER_FUZZ").isEmpty();

    private CodecOracle() {
    }

    static ByteBufAllocator allocator() {
        return FUZZING ? UNTRACKED : TRACKED;
    }

    /** What the inbound pipeline delivered for one frame (a message) or one failure (an error), in order. */
    record Event(LotteryMessage message, ErrorCode code, MessageType ref, long seq, int count, String reason) {
        static Event of(LotteryMessage message) {
            return new Event(message, null, null, 0, 0, null);
        }

        static Event of(ProtocolException e) {
            return new Event(null, e.code(), e.ref(), e.seq(), e.count(), e.getMessage());
        }

        boolean fatal() {
            return code != null && code.closesConnection();
        }
    }

    /**
     * Checks every invariant on {@code stream} delivered in {@code chunks} (the reads, which concatenate to
     * {@code stream}): it is decoded once whole and once split, and both must agree.
     */
    static void checkStream(byte[] stream, List<byte[]> chunks) {
        List<Event> whole = upToFirstFatal(decode(stream.length == 0 ? List.of() : List.of(stream)));
        List<Event> split = upToFirstFatal(decode(chunks));
        if (!whole.equals(split)) {
            throw new AssertionError("the stream " + ByteBufUtil.hexDump(stream) + " decodes to\n  " + whole
                    + "\nin one read but to\n  " + split + "\nin reads of " + chunks.stream().map(c -> c.length)
                    .toList() + " bytes");
        }
    }

    private static List<Event> upToFirstFatal(List<Event> events) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).fatal()) {
                return events.subList(0, i + 1);
            }
        }
        return events;
    }

    /**
     * Feeds each chunk as one read to a fresh pipeline, stopping after a fatal error as the server does, closes the
     * channel, and returns what came out; throws an AssertionError when an invariant breaks.
     */
    static List<Event> decode(List<byte[]> chunks) {
        ByteBufAllocator alloc = allocator();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        LotteryPipeline.addLast(channel.pipeline());
        Recorder recorder = new Recorder();
        channel.pipeline().addAfter(LotteryPipeline.FRAME_DECODER, "fuzzTap", recorder.tap);
        channel.pipeline().addLast("fuzzSink", recorder);
        List<ByteBuf> fed = new ArrayList<>();
        try {
            for (byte[] chunk : chunks) {
                if (recorder.fatal) {
                    break;
                }
                ByteBuf read = alloc.buffer(chunk.length).writeBytes(chunk);
                fed.add(read);
                channel.writeInbound(read);
                recorder.rethrow();
            }
            // The peer closes: a frame cut short is dropped, and the frame decoder releases what it holds.
            channel.finish();
            recorder.rethrow();
            if (!recorder.frames.isEmpty()) {
                throw new AssertionError(recorder.frames.size() + " frame(s) produced neither a message nor an error");
            }
        } finally {
            if (channel.isOpen()) {
                channel.finishAndReleaseAll();
            }
        }
        for (int i = 0; i < fed.size(); i++) {
            if (fed.get(i).refCnt() != 0) {
                throw new AssertionError("leak: read " + i + " of " + fed.size() + " still has reference count "
                        + fed.get(i).refCnt() + " after the channel closed");
            }
        }
        return recorder.events;
    }

    /**
     * Sits at the end of the pipeline and records what reaches it. Its partner {@link #tap}, between the frame decoder
     * and the message decoder, copies each frame, so each message or error can be checked against its frame.
     * Checks run inside handler callbacks, where a throw would only come back as another exceptionCaught, so a
     * failure is kept and rethrown by {@link #rethrow} once the pipeline call returns.
     */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Event> events = new ArrayList<>();
        final Queue<byte[]> frames = new ArrayDeque<>();
        boolean fatal;
        private AssertionError failure;

        final ChannelInboundHandlerAdapter tap = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf frame) {
                    frames.add(ByteBufUtil.getBytes(frame));
                } else {
                    fail(new AssertionError("the frame decoder passed on a " + msg.getClass().getName()));
                }
                ctx.fireChannelRead(msg);
            }
        };

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof LotteryMessage message)) {
                    throw new AssertionError("the pipeline delivered a " + msg.getClass().getName());
                }
                byte[] frame = frames.poll();
                if (frame == null) {
                    throw new AssertionError("message " + message + " without a frame");
                }
                checkRoundTrip(message, frame);
                events.add(Event.of(message));
            } catch (AssertionError e) {
                fail(e);
            } catch (RuntimeException e) {
                fail(new AssertionError("checking a decoded message failed with " + e, e));
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            try {
                if (!(cause instanceof ProtocolException e)) {
                    throw new AssertionError("the pipeline raised " + cause + ", not a ProtocolException", cause);
                }
                // A failure of the frame decoder (only FRAME_TOO_LARGE) comes before any frame; one of the
                // message decoder is about the frame the tap has just seen.
                byte[] frame = e.code() == ErrorCode.FRAME_TOO_LARGE ? null : frames.poll();
                if (e.code() != ErrorCode.FRAME_TOO_LARGE && frame == null) {
                    throw new AssertionError("error without a frame: " + e, e);
                }
                checkError(e, frame);
                events.add(Event.of(e));
                fatal |= e.closesConnection();
            } catch (AssertionError e) {
                fail(e);
            } catch (RuntimeException e) {
                fail(new AssertionError("checking " + cause + " failed with " + e, e));
            }
        }

        private void fail(AssertionError e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }

        void rethrow() {
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * The invariants of an error raised on {@code frame} (type byte + body; {@code null} for FRAME_TOO_LARGE, which
     * is raised on the length prefix alone).
     */
    static void checkError(ProtocolException e, byte[] frame) {
        if (!DECODER_CODES.contains(e.code())) {
            throw new AssertionError("the decoders raised " + e.code() + ", a code §7 gives to the server", e);
        }
        MessageType type = frame == null || frame.length == 0 ? null : MessageType.fromOpcode(frame[0] & 0xFF);
        if (e.ref() != type) {
            throw new AssertionError("error " + e.code() + " names " + e.ref() + " but the frame is a " + type, e);
        }
        if (type == MessageType.BATCH && frame.length >= 7) {
            long seq = ((frame[1] & 0xFFL) << 24) | ((frame[2] & 0xFF) << 16) | ((frame[3] & 0xFF) << 8)
                    | (frame[4] & 0xFF);
            int count = ((frame[5] & 0xFF) << 8) | (frame[6] & 0xFF);
            if (e.seq() != seq || e.count() != count) {
                throw new AssertionError("BATCH error carries seq " + e.seq() + " count " + e.count()
                        + " but the header says seq " + seq + " count " + count, e);
            }
        } else if (e.seq() != 0) {
            throw new AssertionError("error " + e.code() + " carries seq " + e.seq() + " but no BATCH header", e);
        }
        if (e.code() == ErrorCode.INVALID_BET && type != MessageType.BET && type != MessageType.BATCH) {
            throw new AssertionError("INVALID_BET about a " + type, e);
        }
        // What the server answers with must itself be a valid frame.
        ErrorReply reply = e.toReply();
        checkRoundTrip(reply, encode(reply));
    }

    /**
     * {@code message} decoded from {@code frame}: it must encode back to exactly {@code frame}, with and without the
     * outbound pipeline, and those bytes must decode to an equal message.
     */
    static void checkRoundTrip(LotteryMessage message, byte[] frame) {
        byte[] encoded = encode(message);
        if (!Arrays.equals(encoded, frame)) {
            throw new AssertionError(message + " decoded from " + ByteBufUtil.hexDump(frame) + " encodes to "
                    + ByteBufUtil.hexDump(encoded));
        }
        ByteBuf in = allocator().buffer(encoded.length).writeBytes(encoded);
        try {
            LotteryMessage again = Wire.read(in);
            if (!again.equals(message)) {
                throw new AssertionError(message + " encodes to bytes that decode to " + again);
            }
        } finally {
            in.release();
        }
        EmbeddedChannel out = new EmbeddedChannel();
        out.config().setAllocator(allocator());
        LotteryPipeline.addLast(out.pipeline());
        try {
            out.writeOutbound(message);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (Object o; (o = out.readOutbound()) != null; ) {
                try {
                    wire.writeBytes(ByteBufUtil.getBytes((ByteBuf) o));
                } finally {
                    ReferenceCountUtil.release(o);
                }
            }
            byte[] expected = Hex.frame(frame);
            if (!Arrays.equals(wire.toByteArray(), expected)) {
                throw new AssertionError(message + " leaves the pipeline as " + ByteBufUtil.hexDump(wire.toByteArray())
                        + ", not " + ByteBufUtil.hexDump(expected));
            }
        } finally {
            out.finishAndReleaseAll();
        }
    }

    /** The frame (type byte + body) of {@code message}, by {@link Wire#write}. */
    static byte[] encode(LotteryMessage message) {
        ByteBuf out = allocator().buffer();
        try {
            Wire.write(message, out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }
}

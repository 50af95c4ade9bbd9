package lottery.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import lottery.protocol.codec.GoldenFrames.Golden;
import lottery.protocol.message.LotteryMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TCP delivers a byte stream, not frames: short reads and coalesced writes. The same stream of many frames must decode
 * to the same messages whether it arrives in one buffer, one byte at a time, or split anywhere; and a message must
 * come out exactly when its last byte arrives, never earlier.
 */
class StreamSplitTest {
    /** Every golden frame, then generated messages: about 20 kB, with batches up to 16 bets. */
    private static final List<LotteryMessage> MESSAGES = new ArrayList<>();
    private static byte[] stream;
    /** frameEnds[i] is the stream offset just past frame i. */
    private static int[] frameEnds;

    @BeforeAll
    static void buildStream() {
        MESSAGES.clear();
        GoldenFrames.all().stream().map(Golden::message).forEach(MESSAGES::add);
        MessageGenerator generator = new MessageGenerator(99);
        for (int i = 0; i < 30; i++) {
            MESSAGES.add(generator.message(16));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frameEnds = new int[MESSAGES.size()];
        try (CodecChannel codec = new CodecChannel()) {
            for (int i = 0; i < MESSAGES.size(); i++) {
                out.writeBytes(codec.encode(MESSAGES.get(i)));
                frameEnds[i] = out.size();
            }
        }
        stream = out.toByteArray();
    }

    @Test
    void theStreamIsLongEnoughToMatter() {
        assertThat(stream.length).isGreaterThan(5_000);
        assertThat(MESSAGES).hasSize(GoldenFrames.all().size() + 30);
    }

    @Test
    void allFramesCoalescedInOneBuffer() {
        try (CodecChannel codec = new CodecChannel()) {
            assertThat(codec.decode(stream)).containsExactlyElementsOf(MESSAGES);
        }
    }

    @Test
    void oneByteAtATimeReleasesEachMessageOnItsLastByte() {
        List<LotteryMessage> decoded = new ArrayList<>();
        int completeFrames = 0;
        try (CodecChannel codec = new CodecChannel()) {
            for (int offset = 0; offset < stream.length; offset++) {
                codec.write(new byte[] {stream[offset]});
                decoded.addAll(codec.drainInbound());
                while (completeFrames < frameEnds.length && frameEnds[completeFrames] <= offset + 1) {
                    completeFrames++;
                }
                assertThat(decoded).as("messages after %d bytes", offset + 1).hasSize(completeFrames);
            }
        }
        assertThat(decoded).containsExactlyElementsOf(MESSAGES);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void randomSplits(long seed) {
        Random random = new Random(seed);
        List<byte[]> chunks = new ArrayList<>();
        for (int from = 0; from < stream.length; ) {
            // Mostly short reads, sometimes several frames at once.
            int size = random.nextInt(4) == 0 ? 1 + random.nextInt(2_000) : 1 + random.nextInt(16);
            int to = Math.min(stream.length, from + size);
            chunks.add(Arrays.copyOfRange(stream, from, to));
            from = to;
        }
        try (CodecChannel codec = new CodecChannel()) {
            assertThat(codec.decode(chunks.toArray(byte[][]::new))).containsExactlyElementsOf(MESSAGES);
        }
    }

    /** The golden frames alone, cut into two reads at every possible offset. */
    @Test
    void goldenStreamSplitAtEveryOffset() {
        List<LotteryMessage> goldens = GoldenFrames.all().stream().map(Golden::message).toList();
        byte[] goldenStream = Hex.concat(GoldenFrames.all().stream().map(Golden::bytes).toArray(byte[][]::new));
        for (int cut = 0; cut <= goldenStream.length; cut++) {
            try (CodecChannel codec = new CodecChannel()) {
                assertThat(codec.decode(Arrays.copyOfRange(goldenStream, 0, cut),
                        Arrays.copyOfRange(goldenStream, cut, goldenStream.length)))
                        .as("cut at %d", cut).containsExactlyElementsOf(goldens);
            }
        }
    }

    /** Writes queued before one flush (coalesced on the way out) give the same bytes as one write per message. */
    @Test
    void severalWritesBeforeOneFlushEncodeTheSameStream() {
        try (CodecChannel codec = new CodecChannel()) {
            MESSAGES.forEach(codec.channel()::write);
            codec.channel().flush();
            assertThat(codec.drainOutbound()).isEqualTo(stream);
        }
    }
}

package lottery.protocol.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of the whole inbound codec: bytes, cut into reads at points the fuzzer chooses,
 * through {@link LotteryPipeline#addLast}'s frame and message decoders on an EmbeddedChannel, with the invariants of
 * {@link CodecOracle}.
 *
 * <p>In a normal build ({@code JAZZER_FUZZ} unset) {@code pipeline} is a parameterized test over the empty input and
 * the seed corpus in {@code src/test/resources/lottery/protocol/codec/FrameFuzzTestInputs/pipeline/} (the §8 golden
 * frames, malformed frames, and every crash a campaign found); {@link FuzzSeeds} writes the seeds. With
 * {@code JAZZER_FUZZ=1} it fuzzes instead: docs/FUZZING.md.
 *
 * <p>Input layout: byte 0's low three bits are the number {@code k} of cuts (0..7); the next {@code k} bytes give the
 * sizes of the first {@code k} reads ({@code 1 + unsigned byte}, so 1..256); the rest is the byte stream, and what
 * the first reads leave of it is the last read. An input shorter than its header is all header (empty stream).
 */
class FrameFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void pipeline(byte[] input) {
        SplitInput split = SplitInput.parse(input);
        CodecOracle.checkStream(split.stream(), split.chunks());
    }

    /** A fuzz input read as a stream and the sizes of its first reads. */
    record SplitInput(byte[] stream, int[] sizes) {
        static final int MAX_CUTS = 7;
        static final int MAX_READ = 256;

        static SplitInput parse(byte[] input) {
            if (input.length == 0) {
                return new SplitInput(input, new int[0]);
            }
            int header = Math.min(input.length, 1 + (input[0] & MAX_CUTS));
            int[] sizes = new int[header - 1];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = 1 + (input[1 + i] & 0xFF);
            }
            return new SplitInput(Arrays.copyOfRange(input, header, input.length), sizes);
        }

        /** The input that {@link #parse} reads as {@code stream} cut into first reads of {@code sizes} bytes. */
        static byte[] of(byte[] stream, int... sizes) {
            if (sizes.length > MAX_CUTS) {
                throw new IllegalArgumentException("at most " + MAX_CUTS + " cuts");
            }
            byte[] header = new byte[1 + sizes.length];
            header[0] = (byte) sizes.length;
            for (int i = 0; i < sizes.length; i++) {
                if (sizes[i] < 1 || sizes[i] > MAX_READ) {
                    throw new IllegalArgumentException("a read is 1.." + MAX_READ + " bytes");
                }
                header[1 + i] = (byte) (sizes[i] - 1);
            }
            return Hex.concat(header, stream);
        }

        /** The reads: the sizes as far as the stream goes, then the rest of it (never an empty read). */
        List<byte[]> chunks() {
            List<byte[]> chunks = new ArrayList<>();
            int from = 0;
            for (int size : sizes) {
                if (from == stream.length) {
                    break;
                }
                int to = Math.min(stream.length, from + size);
                chunks.add(Arrays.copyOfRange(stream, from, to));
                from = to;
            }
            if (from < stream.length) {
                chunks.add(Arrays.copyOfRange(stream, from, stream.length));
            }
            return chunks;
        }
    }
}

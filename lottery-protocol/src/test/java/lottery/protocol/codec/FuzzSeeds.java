package lottery.protocol.codec;

import static lottery.protocol.codec.Hex.concat;
import static lottery.protocol.codec.Hex.frame;
import static lottery.protocol.codec.Hex.hex;
import static lottery.protocol.codec.RawFrames.batchFrame;
import static lottery.protocol.codec.RawFrames.bet;
import static lottery.protocol.codec.RawFrames.betFrame;
import static lottery.protocol.codec.RawFrames.goldenBet;
import static lottery.protocol.codec.RawFrames.utf8;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import lottery.protocol.codec.FrameFuzzTest.SplitInput;
import lottery.protocol.codec.GoldenFrames.Golden;
import lottery.protocol.message.MessageType;

/**
 * The generated part of the fuzz tests' seed corpus: the golden frames of docs/PROTOCOL.md §8 and a few malformed
 * frames, in the input layouts of {@link FrameFuzzTest} and {@link WireFuzzTest}. {@link FuzzSeedsTest} checks that
 * the files under {@code src/test/resources} match and rewrites them when run with {@code -Dfuzz.seeds.write=true}.
 * Crash inputs a campaign adds next to them (Jazzer names them {@code crash-<sha1>}) are not generated and stay.
 */
final class FuzzSeeds {
    /** Resource directory of {@code FrameFuzzTest#pipeline}'s inputs, Jazzer's {@code <class>Inputs/<method>}. */
    static final String PIPELINE_DIR = "lottery/protocol/codec/FrameFuzzTestInputs/pipeline";
    static final String BODY_DIR = "lottery/protocol/codec/WireFuzzTestInputs/body";

    private FuzzSeeds() {
    }

    /** Malformed frames, each with the error it must raise in the name; all of them whole frames. */
    static Map<String, byte[]> malformedFrames() {
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("malformed-zero-length", hex("00000000"));
        bad.put("frame-too-large-8189", hex("00001ffd"));
        bad.put("frame-too-large-ffffffff", hex("ffffffff 04"));
        bad.put("unknown-type-06", hex("00000001 06"));
        bad.put("bad-magic", hex("00000009 01 5450304d 01 0001 00"));
        bad.put("unsupported-version-0", hex("00000009 01 5450304c 00 0001 00"));
        bad.put("unknown-agency-0", hex("00000009 01 5450304c 01 0000 00"));
        bad.put("malformed-hello-secret-not-utf8", hex("0000000b 01 5450304c 01 0001 02 c328"));
        bad.put("malformed-hello-secret-newline", hex("0000000b 01 5450304c 01 0001 02 610a"));
        bad.put("malformed-hello-truncated", hex("00000006 01 5450304c 01"));
        bad.put("malformed-bet-trailing-byte", frame(concat(hex("02"), goldenBet(), hex("00"))));
        bad.put("malformed-bet-truncated", frame(concat(hex("02"), Arrays.copyOf(goldenBet(), 20))));
        bad.put("malformed-batch-count-0", batchFrame(7, 0, goldenBet()));
        bad.put("malformed-batch-count-3-of-2", batchFrame(7, 3, goldenBet(), goldenBet()));
        bad.put("malformed-batch-header-cut", hex("00000004 03 000000"));
        bad.put("invalid-bet-february-30", betFrame(bet(utf8("Ana"), utf8("Peña"), utf8("1"), 2000, 2, 30, 1)));
        bad.put("invalid-bet-overlong-utf8", betFrame(bet(hex("c0af"), utf8("Peña"), utf8("1"), 2000, 2, 1, 1)));
        bad.put("invalid-bet-surrogate", betFrame(bet(utf8("Ana"), hex("eda080"), utf8("1"), 2000, 2, 1, 1)));
        bad.put("invalid-bet-document-letter", betFrame(bet(utf8("Ana"), utf8("B"), utf8("3090A465"), 1999, 3, 17,
                1)));
        bad.put("invalid-bet-number-10000", betFrame(bet(utf8("Ana"), utf8("B"), utf8("1"), 1999, 3, 17, 10_000)));
        bad.put("invalid-bet-year-0", betFrame(bet(utf8("Ana"), utf8("B"), utf8("1"), 0, 1, 1, 1)));
        bad.put("invalid-bet-batch-second", batchFrame(9, 2, goldenBet(),
                bet(utf8("Ana"), utf8("   "), utf8("1"), 1999, 3, 17, 1)));
        bad.put("malformed-ack-ref-ack", hex("0000000a 81 81 00000000 00000000"));
        bad.put("malformed-error-code-17", hex("00000009 82 0011 00 00000000 00"));
        bad.put("malformed-error-ref-06", hex("00000009 82 0001 06 00000000 00"));
        bad.put("malformed-winners-flags-02", hex("00000004 83 02 0000"));
        bad.put("malformed-winners-document-letter", hex("00000006 83 01 0001 01 41"));
        bad.put("malformed-winners-390-documents", frame(concat(hex("83 01 0186"),
                concat(Stream.generate(() -> hex("01 37")).limit(390).toArray(byte[][]::new)))));
        return bad;
    }

    /** {@code FrameFuzzTest#pipeline}'s seeds, by file name. */
    static Map<String, byte[]> pipeline() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (Golden golden : GoldenFrames.all()) {
            seeds.put("golden-" + golden.name(), SplitInput.of(golden.bytes()));
        }
        byte[] goldens = concat(GoldenFrames.all().stream().map(Golden::bytes).toArray(byte[][]::new));
        seeds.put("golden-stream-whole", SplitInput.of(goldens));
        seeds.put("golden-stream-split", SplitInput.of(goldens, 1, 3, 4, 5, 9, 17, 60));
        byte[] conversation = concat(GoldenFrames.HELLO.bytes(), GoldenFrames.BATCH.bytes(),
                GoldenFrames.FINISH.bytes(), GoldenFrames.WINNERS_QUERY.bytes());
        seeds.put("client-conversation-bytewise", SplitInput.of(conversation, 1, 1, 1, 1, 1, 1, 1));
        seeds.put("golden-bet-cut-short", SplitInput.of(Arrays.copyOf(GoldenFrames.BET.bytes(), 30), 7));
        // a non-fatal error leaves the decoder in step: the next frame decodes
        seeds.put("invalid-bet-then-finish", SplitInput.of(concat(
                betFrame(bet(utf8("Ana"), utf8("B"), utf8("1"), 2000, 2, 30, 1)), GoldenFrames.FINISH.bytes()), 5));
        seeds.put("largest-length-waits", SplitInput.of(hex("00001ffc 03 00000001"), 2));
        malformedFrames().forEach((name, frame) -> seeds.put(name, SplitInput.of(frame)));
        return seeds;
    }

    /** {@code WireFuzzTest#body}'s seeds: each golden body and each malformed frame (not a framing error) with a known type, unframed. */
    static Map<String, byte[]> body() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (Golden golden : GoldenFrames.all()) {
            seeds.put("golden-" + golden.name(), typed(Hex.unframe(golden.bytes())));
        }
        malformedFrames().forEach((name, frame) -> {
            byte[] typeAndBody = Hex.unframe(frame);
            if (!name.startsWith("frame-") && typeAndBody.length > 0
                    && MessageType.fromOpcode(typeAndBody[0] & 0xFF) != null) {
                seeds.put(name, typed(typeAndBody));
            }
        });
        return seeds;
    }

    /** {@code typeAndBody} with its type byte replaced by the type's index, as {@link WireFuzzTest} reads it. */
    private static byte[] typed(byte[] typeAndBody) {
        MessageType type = MessageType.fromOpcode(typeAndBody[0] & 0xFF);
        return WireFuzzTest.input(type, Arrays.copyOfRange(typeAndBody, 1, typeAndBody.length));
    }
}

package lottery.protocol.codec;

import static lottery.protocol.codec.Hex.concat;
import static lottery.protocol.codec.Hex.frame;
import static lottery.protocol.codec.Hex.hex;
import static lottery.protocol.codec.RawFrames.bet;
import static lottery.protocol.codec.RawFrames.betFrame;
import static lottery.protocol.codec.RawFrames.batchFrame;
import static lottery.protocol.codec.RawFrames.goldenBet;
import static lottery.protocol.codec.RawFrames.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import lottery.protocol.codec.GoldenFrames.Golden;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input of every kind yields one {@link ProtocolException} with the code of docs/PROTOCOL.md §7, the right
 * request type, seq and count, and the documented connection fate; a non-fatal error leaves the decoder in step.
 */
class BadInputTest {

    // ---- framing ----------------------------------------------------------------------------------------------

    /** Fail fast: the four prefix bytes alone, announcing a frame over 8192 bytes, are enough to fail. */
    @ParameterizedTest(name = "length {0}")
    @ValueSource(longs = {8189, 8190, 65_536, 0x7FFF_FFFFL, 0xFFFF_FFFFL})
    void aLengthOverTheLimitFailsOnItsPrefixAlone(long length) {
        try (CodecChannel codec = new CodecChannel()) {
            ProtocolException e = codec.decodeFailure(RawFrames.lengthPrefix(length));
            assertError(e, ErrorCode.FRAME_TOO_LARGE, null);
            assertThat(e.toReply().reason()).contains("8192");
        }
    }

    /** 8188 = 8192 - 4 is the largest legal length: the decoder waits for its bytes instead of failing. */
    @Test
    void theLargestLegalLengthWaitsForItsBytes() {
        try (CodecChannel codec = new CodecChannel()) {
            assertThat(codec.decode(RawFrames.lengthPrefix(8188))).isEmpty();
        }
    }

    @Test
    void aZeroLengthFrameHasNoTypeAndIsMalformed() {
        try (CodecChannel codec = new CodecChannel()) {
            assertError(codec.decodeFailure(hex("00000000")), ErrorCode.MALFORMED_FRAME, null);
        }
    }

    @ParameterizedTest(name = "type 0x{0}")
    @ValueSource(strings = {"00", "06", "7f", "80", "84", "ff"})
    void anUnknownTypeIsRejected(String type) {
        try (CodecChannel codec = new CodecChannel()) {
            ProtocolException e = codec.decodeFailure(hex("00000001", type));
            assertError(e, ErrorCode.UNKNOWN_TYPE, null);
            assertThat(e.getMessage()).contains("0x" + type);
        }
    }

    /** A frame the stream never completes is not an error of the codec: nothing comes out, nothing leaks. */
    @Test
    void aFrameCutShortByTheEndOfTheStreamIsNeverDelivered() {
        byte[] golden = GoldenFrames.BET.bytes();
        try (CodecChannel codec = new CodecChannel()) {
            assertThat(codec.decode(Arrays.copyOf(golden, golden.length - 1))).isEmpty();
        }
    }

    static Stream<Arguments> truncatedBodies() {
        return GoldenFrames.all().stream()
                .flatMap(g -> {
                    byte[] typeAndBody = Hex.unframe(g.bytes());
                    return IntStream.range(1, typeAndBody.length)
                            .mapToObj(cut -> Arguments.of(g, cut));
                });
    }

    /** Frames whose length is honest but whose body stops early: every cut of every golden frame. */
    @ParameterizedTest(name = "{0} cut to {1} bytes")
    @MethodSource("truncatedBodies")
    void aTruncatedBodyIsMalformed(Golden golden, int cut) {
        byte[] truncated = frame(Arrays.copyOf(Hex.unframe(golden.bytes()), cut));
        try (CodecChannel codec = new CodecChannel()) {
            // A HELLO cut inside its magic too: BAD_MAGIC needs the 4 magic bytes to be there.
            assertError(codec.decodeFailure(truncated), ErrorCode.MALFORMED_FRAME, golden.message().type());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lottery.protocol.codec.GoldenFrames#all")
    void aTrailingByteIsMalformed(Golden golden) {
        byte[] padded = frame(concat(Hex.unframe(golden.bytes()), hex("00")));
        try (CodecChannel codec = new CodecChannel()) {
            ProtocolException e = codec.decodeFailure(padded);
            assertError(e, ErrorCode.MALFORMED_FRAME, golden.message().type());
            assertThat(e.getMessage()).contains("1 trailing bytes");
            if (golden == GoldenFrames.BATCH) {
                assertThat(e.seq()).isEqualTo(7);
                assertThat(e.count()).isEqualTo(2);
            }
        }
    }

    // ---- batch counts -----------------------------------------------------------------------------------------

    @Test
    void aBatchAnnouncingMoreBetsThanItHoldsIsMalformed() {
        try (CodecChannel codec = new CodecChannel()) {
            ProtocolException e = codec.decodeFailure(batchFrame(7, 3, goldenBet(), goldenBet()));
            assertBatchError(e, ErrorCode.MALFORMED_FRAME, 7, 3);
            assertThat(e.getMessage()).contains("announces 3 bets but holds 2");
        }
    }

    @Test
    void aBatchAnnouncingFewerBetsThanItHoldsIsMalformed() {
        try (CodecChannel codec = new CodecChannel()) {
            ProtocolException e = codec.decodeFailure(batchFrame(7, 1, goldenBet(), goldenBet()));
            assertBatchError(e, ErrorCode.MALFORMED_FRAME, 7, 1);
            assertThat(e.getMessage()).contains("trailing bytes");
        }
    }

    @Test
    void aBatchOfZeroBetsIsMalformed() {
        try (CodecChannel codec = new CodecChannel()) {
            assertBatchError(codec.decodeFailure(batchFrame(0xFFFF_FFFFL, 0)), ErrorCode.MALFORMED_FRAME,
                    0xFFFF_FFFFL, 0);
            assertBatchError(codec.decodeFailure(batchFrame(7, 0, goldenBet())), ErrorCode.MALFORMED_FRAME, 7, 0);
        }
    }

    // ---- invalid bets: INVALID_BET, not fatal -----------------------------------------------------------------

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                Arguments.of("bad continuation", hex("4e69 c328")),
                Arguments.of("overlong '/'", hex("c0af")),
                Arguments.of("UTF-16 surrogate", hex("eda080")),
                Arguments.of("lone continuation", hex("80")),
                Arguments.of("sequence cut at the end", hex("4e69636f6cc3")),
                Arguments.of("above U+10FFFF", hex("f4908080")),
                Arguments.of("byte 0xff", hex("ff")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void aNameThatIsNotUtf8IsAnInvalidBet(String what, byte[] name) {
        byte[] bad = betFrame(bet(name, utf8("Saldaña"), utf8("30904465"), 1999, 3, 17, 7574));
        try (CodecChannel codec = new CodecChannel()) {
            ProtocolException e = codec.decodeFailure(bad);
            assertError(e, ErrorCode.INVALID_BET, MessageType.BET);
            assertThat(e.count()).isEqualTo(1);
            assertThat(e.getMessage()).contains("first name is not valid UTF-8");
        }
    }

    @Test
    void anInvalidBetInABatchCarriesSeqAndCount() {
        byte[] bad = bet(utf8("Ana"), hex("4f c328"), utf8("1"), 1950, 12, 31, 0);
        try (CodecChannel codec = new CodecChannel()) {
            ProtocolException e = codec.decodeFailure(batchFrame(0x8000_0001L, 2, goldenBet(), bad));
            assertBatchError(e, ErrorCode.INVALID_BET, 0x8000_0001L, 2);
            assertThat(e.getMessage()).contains("bet 2 of 2").contains("last name is not valid UTF-8");
            ErrorReply reply = e.toReply();
            assertThat(reply.code()).isEqualTo(ErrorCode.INVALID_BET);
            assertThat(reply.ref()).isEqualTo(MessageType.BATCH);
            assertThat(reply.seq()).isEqualTo(0x8000_0001L);
        }
    }

    static Stream<Arguments> invalidValues() {
        byte[] first = utf8("Nicolás");
        byte[] last = utf8("Saldaña");
        byte[] doc = utf8("30904465");
        return Stream.of(
                Arguments.of("February 30", bet(first, last, doc, 2000, 2, 30, 1)),
                Arguments.of("February 29 of 1999", bet(first, last, doc, 1999, 2, 29, 1)),
                Arguments.of("month 0", bet(first, last, doc, 1999, 0, 1, 1)),
                Arguments.of("month 13", bet(first, last, doc, 1999, 13, 1, 1)),
                Arguments.of("day 0", bet(first, last, doc, 1999, 1, 0, 1)),
                Arguments.of("day 32", bet(first, last, doc, 1999, 1, 32, 1)),
                Arguments.of("year 0", bet(first, last, doc, 0, 1, 1, 1)),
                Arguments.of("year 10000", bet(first, last, doc, 10_000, 1, 1, 1)),
                Arguments.of("number 10000", bet(first, last, doc, 1999, 3, 17, 10_000)),
                Arguments.of("number 65535", bet(first, last, doc, 1999, 3, 17, 0xFFFF)),
                Arguments.of("empty first name", bet(new byte[0], last, doc, 1999, 3, 17, 1)),
                Arguments.of("empty last name", bet(first, new byte[0], doc, 1999, 3, 17, 1)),
                Arguments.of("blank first name", bet(utf8("   "), last, doc, 1999, 3, 17, 1)),
                Arguments.of("newline in a name", bet(utf8("Nico\nlás"), last, doc, 1999, 3, 17, 1)),
                Arguments.of("DEL in a name", bet(utf8("Nico\u007f"), last, doc, 1999, 3, 17, 1)),
                Arguments.of("letters in the document", bet(first, last, utf8("3090A465"), 1999, 3, 17, 1)),
                Arguments.of("empty document", bet(first, last, new byte[0], 1999, 3, 17, 1)),
                Arguments.of("21-digit document", bet(first, last, utf8("1".repeat(21)), 1999, 3, 17, 1)),
                Arguments.of("space in the document", bet(first, last, utf8("30 904465"), 1999, 3, 17, 1)),
                Arguments.of("full-width digits", bet(first, last, utf8("３０９"), 1999, 3, 17, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidValues")
    void aWellFramedBetWithAnInvalidValueIsAnInvalidBet(String what, byte[] bet) {
        try (CodecChannel codec = new CodecChannel()) {
            assertError(codec.decodeFailure(betFrame(bet)), ErrorCode.INVALID_BET, MessageType.BET);
            assertBatchError(codec.decodeFailure(batchFrame(9, 2, goldenBet(), bet)), ErrorCode.INVALID_BET, 9, 2);
        }
    }

    /** The limits themselves are valid: the invalid cases above are not rejected for some other reason. */
    @Test
    void theBoundaryValuesAreValid() {
        byte[] first = utf8("ñ".repeat(127) + "a");
        byte[] boundary = bet(first, utf8("x"), utf8("0".repeat(20)), 2000, 2, 29, 9999);
        byte[] oldest = bet(utf8("A"), utf8("B"), utf8("0"), 1, 1, 1, 0);
        try (CodecChannel codec = new CodecChannel()) {
            assertThat(codec.decode(betFrame(boundary), betFrame(oldest))).containsExactly(
                    new Bet("ñ".repeat(127) + "a", "x", "0".repeat(20), LocalDate.of(2000, 2, 29), 9999),
                    new Bet("A", "B", "0", LocalDate.of(1, 1, 1), 0));
        }
    }

    /** After a non-fatal error the decoder is still in step: the next frame, even in the same read, decodes. */
    @Test
    void anInvalidBetLeavesTheStreamInStep() {
        byte[] badBet = betFrame(bet(utf8("Nicolás"), utf8("Saldaña"), utf8("30904465"), 2000, 2, 30, 7574));
        try (CodecChannel codec = new CodecChannel()) {
            ProtocolException e = codec.decodeFailure(concat(badBet, GoldenFrames.FINISH.bytes()));
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_BET);
            assertThat(e.closesConnection()).isFalse();
            assertThat(codec.drainInbound()).containsExactly(Finish.INSTANCE);
            assertThat(codec.decode(GoldenFrames.BET.bytes())).containsExactly(GoldenFrames.BET.message());
        }
    }

    /** Structure is checked before values: a bad value in a badly framed message is still MALFORMED_FRAME. */
    @Test
    void aBadFrameIsMalformedEvenWhenItsBetIsAlsoInvalid() {
        byte[] badBet = bet(hex("c328"), utf8("Saldaña"), utf8("30904465"), 2000, 2, 30, 7574);
        byte[] halfABet = Arrays.copyOf(goldenBet(), 10);
        try (CodecChannel codec = new CodecChannel()) {
            assertError(codec.decodeFailure(frame(concat(hex("02"), badBet, hex("00")))),
                    ErrorCode.MALFORMED_FRAME, MessageType.BET);
            assertBatchError(codec.decodeFailure(batchFrame(5, 2, badBet, halfABet)), ErrorCode.MALFORMED_FRAME, 5, 2);
            assertBatchError(codec.decodeFailure(batchFrame(5, 1, badBet, goldenBet())),
                    ErrorCode.MALFORMED_FRAME, 5, 1);
        }
    }

    // ---- HELLO ------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "magic {0}")
    @ValueSource(strings = {"5450304b" /* TP0K */, "47455420" /* "GET " */, "00000000", "4c305054" /* L0PT */})
    void aHelloWithoutTheMagicIsRejected(String magic) {
        try (CodecChannel codec = new CodecChannel()) {
            ProtocolException e = codec.decodeFailure(hex("00000009", "01", magic, "01", "0001", "00"));
            assertError(e, ErrorCode.BAD_MAGIC, MessageType.HELLO);
        }
    }

    @Test
    void versionZeroAndAgencyZeroDoNotExist() {
        try (CodecChannel codec = new CodecChannel()) {
            assertError(codec.decodeFailure(hex("00000009", "01", "5450304c", "00", "0001", "00")),
                    ErrorCode.UNSUPPORTED_VERSION, MessageType.HELLO);
            assertError(codec.decodeFailure(hex("00000009", "01", "5450304c", "01", "0000", "00")),
                    ErrorCode.UNKNOWN_AGENCY, MessageType.HELLO);
        }
    }

    /** Versions above 1 are well-formed: refusing them is the server's decision (UNSUPPORTED_VERSION). */
    @Test
    void aFutureVersionStillDecodes() {
        try (CodecChannel codec = new CodecChannel()) {
            assertThat(codec.decode(hex("00000009", "01", "5450304c", "02", "ffff", "00")))
                    .containsExactly(new Hello(2, 65_535, ""));
        }
    }

    @Test
    void aSecretThatIsNotTextIsMalformed() {
        try (CodecChannel codec = new CodecChannel()) {
            assertError(codec.decodeFailure(hex("0000000b", "01", "5450304c", "01", "0001", "02 c328")),
                    ErrorCode.MALFORMED_FRAME, MessageType.HELLO);
            assertError(codec.decodeFailure(hex("0000000b", "01", "5450304c", "01", "0001", "02 610a")),
                    ErrorCode.MALFORMED_FRAME, MessageType.HELLO);
        }
    }

    // ---- server-to-client frames ------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "0000000a 81 00 00000000 00000000",         // ACK of type 0
        "0000000a 81 81 00000000 00000000",         // ACK of an ACK: not a request type
        "0000000a 81 09 00000000 00000000",         // ACK of an unknown type
        "00000009 82 0009 00 00000000 01 78",       // ERROR code 9 is not in the table
        "00000009 82 0001 99 00000000 01 78",       // ERROR about unknown type 0x99
        "00000009 82 0001 00 00000000 01 0a",       // ERROR reason with a control character
        "00000009 82 0001 00 00000000 01 ff",       // ERROR reason not UTF-8
        "00000004 83 02 0000",                      // WINNERS flag bit 1 is not defined
        "00000008 83 01 0001 03 313261",            // WINNERS document "12a"
        "00000006 83 01 0001 01 ff"})               // WINNERS document not UTF-8
    void aBadServerFrameIsMalformed(String frameHex) {
        try (CodecChannel codec = new CodecChannel()) {
            assertThat(codec.decodeFailure(hex(frameHex)).code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        }
    }

    @Test
    void winnersOverTheDocumentsPerFrameAreMalformed() {
        byte[] docs = concat(Stream.generate(() -> hex("01 37")).limit(390).toArray(byte[][]::new));
        try (CodecChannel codec = new CodecChannel()) {
            ProtocolException e = codec.decodeFailure(frame(concat(hex("83 01 0186"), docs)));
            assertError(e, ErrorCode.MALFORMED_FRAME, MessageType.WINNERS);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static void assertError(ProtocolException e, ErrorCode code, MessageType ref) {
        assertThat(e.code()).as("error code of: %s", e.getMessage()).isEqualTo(code);
        assertThat(e.ref()).as("refused type").isEqualTo(ref);
        assertThat(e.closesConnection()).isEqualTo(code.closesConnection());
        ErrorReply reply = e.toReply();
        assertThat(reply.code()).isEqualTo(code);
        assertThat(reply.ref()).isEqualTo(ref);
        assertThat(reply.seq()).isEqualTo(e.seq());
        assertThat(reply.reason()).isNotBlank();
    }

    private static void assertBatchError(ProtocolException e, ErrorCode code, long seq, int count) {
        assertError(e, code, MessageType.BATCH);
        assertThat(e.seq()).as("seq").isEqualTo(seq);
        assertThat(e.count()).as("count").isEqualTo(count);
    }
}

package lottery.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The records refuse what the wire cannot carry, so an invalid message object cannot exist. */
class RecordInvariantsTest {
    private static final LocalDate DAY = LocalDate.of(1999, 3, 17);
    /** 255 bytes of UTF-8: 127 two-byte characters and one ASCII letter. */
    private static final String NAME_255 = "ñ".repeat(127) + "a";
    /** 256 bytes. */
    private static final String NAME_256 = "ñ".repeat(128);

    private static Bet betNamed(String firstName) {
        return new Bet(firstName, "Saldaña", "30904465", DAY, 7574);
    }

    // ---- Bet --------------------------------------------------------------------------------------------------

    @Test
    void aBetTakesNamesUpTo255Bytes() {
        assertThat(NAME_255.getBytes(StandardCharsets.UTF_8)).hasSize(255);
        assertThat(betNamed(NAME_255).firstName()).isEqualTo(NAME_255);
        assertThat(betNamed("😀".repeat(63) + "abc").firstName()).hasSize(129); // 255 bytes, 63 surrogate pairs
        assertThatThrownBy(() -> betNamed(NAME_256)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256 bytes");
        assertThatThrownBy(() -> betNamed("😀".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", " ", "\t", "a\nb", "a\rb", "\u0000", "\u007f", "\ud800", "a\udc00b"})
    void aBetRefusesEmptyBlankControlAndBrokenNames(String name) {
        assertThatThrownBy(() -> betNamed(name)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bet("Nicolás", name, "1", DAY, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "12a", " 1", "-1", "+1", "1.0", "123456789012345678901", "٣"})
    void aBetRefusesADocumentThatIsNot1To20Digits(String document) {
        assertThatThrownBy(() -> new Bet("Nicolás", "Saldaña", document, DAY, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBetTakesTheEdgesOfEveryRange() {
        assertThat(new Bet("a", "b", "0", LocalDate.of(1, 1, 1), 0).number()).isZero();
        assertThat(new Bet("a", "b", "12345678901234567890", LocalDate.of(9999, 12, 31), 9999).document())
                .hasSize(20);
        assertThat(new Bet("a", "b", "007", DAY, 1).document()).isEqualTo("007");
    }

    @Test
    void aBetRefusesValuesOutOfRange() {
        assertThatThrownBy(() -> new Bet("a", "b", "1", DAY, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bet("a", "b", "1", DAY, 10_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bet("a", "b", "1", LocalDate.of(0, 1, 1), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bet("a", "b", "1", LocalDate.of(10_000, 1, 1), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bet(null, "b", "1", DAY, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bet("a", "b", null, DAY, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bet("a", "b", "1", null, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- Hello ------------------------------------------------------------------------------------------------

    @Test
    void aHelloChecksVersionAgencyAndSecret() {
        assertThat(Hello.of(7)).isEqualTo(new Hello(Hello.CURRENT_VERSION, 7, ""));
        assertThat(new Hello(255, 65_535, NAME_255).agency()).isEqualTo(65_535);
        assertThatThrownBy(() -> new Hello(0, 1, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Hello(256, 1, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Hello(1, 0, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Hello(1, 65_536, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Hello(1, 1, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Hello(1, 1, NAME_256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Hello(1, 1, "a\nb")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHelloNeverPrintsItsSecret() {
        assertThat(new Hello(1, 3, "hunter2")).hasToString("Hello[version=1, agency=3, secret=***]");
        assertThat(Hello.of(3)).hasToString("Hello[version=1, agency=3, secret=]");
    }

    // ---- Batch ------------------------------------------------------------------------------------------------

    @Test
    void aBatchHolds1To65535BetsAndAU32Seq() {
        Bet bet = betNamed("Nicolás");
        assertThat(new Batch(Limits.MAX_U32, List.of(bet)).seq()).isEqualTo(4_294_967_295L);
        assertThat(new Batch(0, Collections.nCopies(65_535, bet)).bets()).hasSize(65_535);
        assertThatThrownBy(() -> new Batch(0, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Batch(0, Collections.nCopies(65_536, bet)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Batch(-1, List.of(bet))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Batch(1L << 32, List.of(bet))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Batch(0, Collections.singletonList(null))).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aBatchCopiesItsBets() {
        List<Bet> bets = new ArrayList<>(List.of(betNamed("Nicolás")));
        Batch batch = new Batch(1, bets);
        bets.add(betNamed("Other"));
        assertThat(batch.bets()).hasSize(1);
        assertThatThrownBy(() -> batch.bets().add(betNamed("X"))).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- Ack --------------------------------------------------------------------------------------------------

    @Test
    void anAckRefersToAClientRequest() {
        for (MessageType type : MessageType.values()) {
            if (type.direction() == MessageType.Direction.TO_SERVER) {
                assertThat(new Ack(type, 0, 0).ref()).isEqualTo(type);
            } else {
                assertThatThrownBy(() -> new Ack(type, 0, 0)).isInstanceOf(IllegalArgumentException.class);
            }
        }
        assertThatThrownBy(() -> new Ack(null, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ack(MessageType.BATCH, -1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ack(MessageType.BATCH, 0, 1L << 32)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- ErrorReply -------------------------------------------------------------------------------------------

    @Test
    void errorReplyOfCutsTheReasonTo255BytesAtACodePointBoundary() {
        // 200 x "é" = 400 bytes: 127 fit (254 bytes), the 128th would make 256.
        assertThat(reasonOf("é".repeat(200))).isEqualTo("é".repeat(127));
        // 64 emoji = 256 bytes: 63 fit, and no half surrogate pair is left behind.
        String emoji = reasonOf("😀".repeat(64));
        assertThat(emoji).isEqualTo("😀".repeat(63));
        assertThat(utf8Length(emoji)).isEqualTo(252);
        // "ab" + 64 emoji: 2 + 63 x 4 = 254 bytes.
        assertThat(reasonOf("ab" + "😀".repeat(64))).isEqualTo("ab" + "😀".repeat(63));
        // Exactly 255 bytes stays whole; ASCII over it is cut at 255.
        assertThat(reasonOf(NAME_255)).isEqualTo(NAME_255);
        assertThat(reasonOf("x".repeat(300))).hasSize(255);
    }

    @Test
    void errorReplyOfCleansWhatTheWireCannotCarry() {
        assertThat(reasonOf("line 1\nline 2\ttab\u0000\u007f")).isEqualTo("line 1 line 2 tab  ");
        assertThat(reasonOf("broken \ud800 pair")).isEqualTo("broken   pair");
        assertThat(reasonOf(null)).isEmpty();
        assertThat(ErrorReply.of(ErrorCode.INVALID_BET, MessageType.BATCH, 9, "x"))
                .isEqualTo(new ErrorReply(ErrorCode.INVALID_BET, MessageType.BATCH, 9, "x"));
    }

    @Test
    void errorReplyConstructorRefusesWhatOfWouldFix() {
        assertThatThrownBy(() -> new ErrorReply(ErrorCode.INTERNAL_ERROR, null, 0, NAME_256))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ErrorReply(ErrorCode.INTERNAL_ERROR, null, 0, "a\nb"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ErrorReply(null, null, 0, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ErrorReply(ErrorCode.INTERNAL_ERROR, null, -1, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new ErrorReply(ErrorCode.INTERNAL_ERROR, null, 0, "").reason()).isEmpty();
    }

    private static String reasonOf(String reason) {
        return ErrorReply.of(ErrorCode.INTERNAL_ERROR, null, 0, reason).reason();
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    // ---- Winners ----------------------------------------------------------------------------------------------

    @Test
    void aWinnersFrameHoldsAtMost389Documents() {
        assertThat(Winners.MAX_PER_FRAME).isEqualTo((8192 - 8) / 21).isEqualTo(389);
        assertThat(new Winners(true, documents(389)).documents()).hasSize(389);
        assertThatThrownBy(() -> new Winners(true, documents(390))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Winners(true, List.of("12a"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Winners(true, List.of(""))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noWinnersIsOneEmptyLastFrame() {
        assertThat(Winners.split(List.of())).containsExactly(new Winners(true, List.of()));
    }

    @ParameterizedTest(name = "{0} documents")
    @ValueSource(ints = {1, 388, 389, 390, 778, 779, 1000})
    void splitChunksByTheFrameCapacityAndMarksOnlyTheLastFrame(int count) {
        List<String> documents = documents(count);
        List<Winners> frames = Winners.split(documents);

        assertThat(frames).hasSize((count + 388) / 389);
        List<String> joined = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Winners frame = frames.get(i);
            assertThat(frame.last()).isEqualTo(i == frames.size() - 1);
            assertThat(frame.documents()).hasSizeLessThanOrEqualTo(389).isNotEmpty();
            joined.addAll(frame.documents());
        }
        assertThat(joined).isEqualTo(documents);
    }

    /** 20-digit documents, the longest there are, so the frame-size arithmetic is tested at its worst case. */
    private static List<String> documents(int count) {
        return IntStream.range(0, count).mapToObj(i -> String.format("%020d", i)).toList();
    }
}

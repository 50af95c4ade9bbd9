package lottery.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.EncoderException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The packer fills a Batch frame up to 8192 bytes and no further; the encoder agrees on every byte. */
class BatchPackerTest {

    @Test
    void theLimitsAddUp() {
        assertThat(Wire.BATCH_OVERHEAD).isEqualTo(4 + 1 + 4 + 2).isEqualTo(11);
        assertThat(BatchPacker.BET_BUDGET).isEqualTo(8192 - 11).isEqualTo(8181);
        assertThat(Wire.betSize(MessageGenerator.largestBet())).isEqualTo(9 + 255 + 255 + 20).isEqualTo(539);
        assertThat(Wire.betSize(MessageGenerator.smallestBet())).isEqualTo(12);
        assertThat(Wire.betSize((Bet) GoldenFrames.BET.message())).isEqualTo(33);
    }

    /**
     * Uniform bets: a full packer holds the budget divided by the bet size (docs/PROTOCOL.md §5: 15 of the largest
     * bets, 255 typical ones, 163 of the course data's largest, 681 of the smallest), and its frame is that large.
     */
    @ParameterizedTest(name = "bets of {0} bytes: {1} per frame")
    @CsvSource({"12, 681", "32, 255", "50, 163", "539, 15"})
    void aFullPackerHoldsTheBudgetDividedByTheBetSize(int betSize, int perFrame) {
        Bet bet = betOfSize(betSize);
        BatchPacker packer = new BatchPacker(Limits.MAX_U16);
        int added = 0;
        while (packer.add(bet)) {
            added++;
            assertThat(added).isLessThanOrEqualTo(perFrame);
        }
        Batch full = packer.take(1);
        assertThat(full.bets()).hasSize(perFrame);
        try (CodecChannel codec = new CodecChannel()) {
            byte[] frame = codec.encode(full);
            assertThat(frame).hasSize(11 + perFrame * betSize);
            assertThat(frame.length).isLessThanOrEqualTo(8192);
            assertThat(frame.length + betSize).isGreaterThan(8192);
        }
    }

    /** Random bets: the largest batch that fits encodes within the limit, and one bet more does not encode. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 5, 8, 13, 21})
    void theLargestBatchThatFitsEncodesAndOneMoreBetDoesNot(long seed) {
        MessageGenerator generator = new MessageGenerator(seed);
        BatchPacker packer = new BatchPacker(Limits.MAX_U16);
        int frameBytes = Wire.BATCH_OVERHEAD;
        Bet rejected;
        while (packer.add(rejected = generator.bet())) {
            frameBytes += Wire.betSize(rejected);
        }
        assertThat(frameBytes).isLessThanOrEqualTo(Limits.MAX_FRAME_BYTES);
        assertThat(frameBytes + Wire.betSize(rejected)).isGreaterThan(Limits.MAX_FRAME_BYTES);
        Batch full = packer.take(seed);
        assertThat(packer.isEmpty()).isTrue();

        try (CodecChannel codec = new CodecChannel()) {
            byte[] frame = codec.encode(full);
            assertThat(frame).hasSize(frameBytes);
            assertThat(codec.decode(frame)).containsExactly(full);

            List<Bet> oneMore = new ArrayList<>(full.bets());
            oneMore.add(rejected);
            assertThatThrownBy(() -> codec.channel().writeOutbound(new Batch(seed, oneMore)))
                    .isInstanceOf(EncoderException.class).hasMessageContaining("exceeds the 8192-byte limit");
            assertThat(codec.drainOutbound()).isEmpty();
        }

        // take() empties the frame budget too: the same bets fit again, and the rejected one still does not.
        for (Bet bet : full.bets()) {
            assertThat(packer.add(bet)).isTrue();
        }
        assertThat(packer.add(rejected)).isFalse();
    }

    /** 15 of the largest bets plus one of 96 bytes fill the frame to exactly 8192 bytes: allowed both ways. */
    @Test
    void aFrameOfExactly8192BytesIsAllowed() {
        BatchPacker packer = new BatchPacker(Limits.MAX_U16);
        for (int i = 0; i < 15; i++) {
            assertThat(packer.add(MessageGenerator.largestBet())).isTrue();
        }
        Bet last = betOfSize(8181 - 15 * 539);
        assertThat(packer.add(last)).isTrue();
        assertThat(packer.add(MessageGenerator.smallestBet())).isFalse();

        Batch batch = packer.take(1);
        assertThat(batch.bets()).hasSize(16);
        try (CodecChannel codec = new CodecChannel()) {
            byte[] frame = codec.encode(batch);
            assertThat(frame).hasSize(8192);
            assertThat(codec.decode(frame)).containsExactly(batch);
        }
    }

    @Test
    void maxAmountCapsTheBatchBeforeTheFrameIsFull() {
        BatchPacker packer = new BatchPacker(3);
        Bet bet = MessageGenerator.smallestBet();
        assertThat(packer.add(bet)).isTrue();
        assertThat(packer.add(bet)).isTrue();
        assertThat(packer.add(bet)).isTrue();
        assertThat(packer.add(bet)).isFalse();

        Batch batch = packer.take(42);
        assertThat(batch.seq()).isEqualTo(42);
        assertThat(batch.bets()).hasSize(3);
        assertThat(packer.add(bet)).as("empty again after take").isTrue();
    }

    @Test
    void refusesAnAmountTheWireCannotCarry() {
        assertThatThrownBy(() -> new BatchPacker(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchPacker(65_536)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new BatchPacker(65_535).isEmpty()).isTrue();
    }

    /** A valid bet whose encoding takes exactly {@code size} bytes (12..539). */
    static Bet betOfSize(int size) {
        int strings = size - 9;
        int document = Math.min(Limits.MAX_DOCUMENT_DIGITS, strings - 2);
        int names = strings - document;
        int first = Math.min(Limits.MAX_STRING_BYTES, names - 1);
        Bet bet = new Bet("x".repeat(first), "y".repeat(names - first), "7".repeat(document),
                LocalDate.of(1980, 1, 1), 1234);
        assertThat(Wire.betSize(bet)).isEqualTo(size);
        return bet;
    }
}

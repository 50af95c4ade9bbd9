package lottery.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import lottery.protocol.message.Batch;
import lottery.protocol.message.BatchBytes;
import lottery.protocol.message.Bet;
import lottery.protocol.message.Limits;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The byte packer makes the batches the record packer makes, bet for bet and byte for byte, and a BatchBytes is
 * encoded as the frame of its Batch (the golden frames' bytes).
 */
class BatchBytesPackerTest {

    /** Random bets packed both ways, by record and by their wire bytes: the same batches, the same frames. */
    @ParameterizedTest(name = "maxAmount {0}")
    @ValueSource(ints = {1, 7, 163, Limits.MAX_U16})
    void packsAsTheRecordPackerAndEncodesAsItsBatch(int maxAmount) {
        MessageGenerator generator = new MessageGenerator(maxAmount);
        BatchPacker records = new BatchPacker(maxAmount);
        BatchBytesPacker fromRecords = new BatchBytesPacker(maxAmount);
        BatchBytesPacker fromBytes = new BatchBytesPacker(maxAmount);
        byte[] scratch = new byte[Wire.MAX_BET_BYTES];
        long seq = 1;
        try (CodecChannel codec = new CodecChannel()) {
            for (int i = 0; i < 3_000; i++) {
                Bet bet = generator.bet();
                int size = Wire.putBet(scratch, 0, bet);
                assertThat(size).isEqualTo(Wire.betSize(bet));
                boolean added = records.add(bet);
                assertThat(fromRecords.add(bet)).isEqualTo(added);
                assertThat(fromBytes.add(scratch, 0, size)).isEqualTo(added);
                if (!added) {
                    Batch batch = records.take(seq);
                    BatchBytes bytes = fromBytes.take(seq);
                    assertThat(fromRecords.take(seq)).isEqualTo(bytes);
                    assertThat(bytes.toBatch()).isEqualTo(batch);
                    assertThat(codec.encode(bytes)).isEqualTo(codec.encode(batch));
                    seq++;
                    assertThat(records.add(bet)).isTrue();
                    assertThat(fromRecords.add(bet)).isTrue();
                    assertThat(fromBytes.add(scratch, 0, size)).isTrue();
                }
            }
        }
        assertThat(seq).isGreaterThan(1);
    }

    @Test
    void theGoldenBatchEncodesTheSameFromItsBytes() {
        Batch batch = (Batch) GoldenFrames.BATCH.message();
        BatchBytesPacker packer = new BatchBytesPacker(Limits.MAX_U16);
        batch.bets().forEach(bet -> assertThat(packer.add(bet)).isTrue());
        try (CodecChannel codec = new CodecChannel()) {
            assertThat(codec.encode(packer.take(batch.seq()))).isEqualTo(GoldenFrames.BATCH.bytes());
        }
    }

    @Test
    void refusesWhatCannotBeABetOrABatch() {
        BatchBytesPacker packer = new BatchBytesPacker(1);
        assertThatThrownBy(() -> packer.take(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> packer.add(new byte[600], 0, Wire.MAX_BET_BYTES + 1))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] emptyNames = {0, 0, 1, '1', 0x07, (byte) 0xD0, 1, 1, 0, 7}; // "", "", "1", 2000-01-01, 7
        assertThat(packer.add(emptyNames, 0, emptyNames.length)).isTrue();
        assertThatThrownBy(() -> packer.take(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchBytesPacker(0)).isInstanceOf(IllegalArgumentException.class);
    }
}

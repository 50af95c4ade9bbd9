package lottery.protocol.codec;

import java.nio.ByteBuffer;
import lottery.protocol.message.BatchBytes;
import lottery.protocol.message.Bet;
import lottery.protocol.message.Limits;

/**
 * {@link BatchPacker} for bets already in their wire bytes: packs them into {@link BatchBytes} of at most
 * {@code maxAmount} bets whose frame never exceeds 8192 bytes. The agency client packs its file this way, straight
 * from the file's bytes, with no {@link Bet} per row; {@link #add(Bet)} takes a bet that came as a record. A batch
 * is checked when it is taken ({@link BatchBytes} accepts only valid bets), so bytes that are not valid bets never
 * reach the wire. Not thread-safe.
 *
 * <pre>
 * for (int size = file.next(); size >= 0; size = file.next()) {
 *     if (!packer.add(file.bet(), 0, size)) { send(packer.take(seq++)); packer.add(file.bet(), 0, size); }
 * }
 * if (!packer.isEmpty()) send(packer.take(seq++));
 * </pre>
 */
public final class BatchBytesPacker {
    private final int maxAmount;
    private final byte[] bytes = new byte[BatchPacker.BET_BUDGET];
    private int length;
    private int count;

    public BatchBytesPacker(int maxAmount) {
        if (maxAmount < 1 || maxAmount > Limits.MAX_U16) {
            throw new IllegalArgumentException("batch maxAmount " + maxAmount + " is not in 1.." + Limits.MAX_U16);
        }
        this.maxAmount = maxAmount;
    }

    /**
     * Adds the bet whose wire bytes are {@code bet[from, from + size)} if the batch stays within both limits. An empty
     * packer always takes a bet of at most {@link Wire#MAX_BET_BYTES}.
     *
     * @return {@code false}, leaving the packer unchanged, when the bet does not fit: take the batch first
     * @throws IllegalArgumentException when {@code size} is more than one bet can take
     */
    public boolean add(byte[] bet, int from, int size) {
        if (size < 1 || size > Wire.MAX_BET_BYTES) {
            throw new IllegalArgumentException("a bet takes 1.." + Wire.MAX_BET_BYTES + " bytes, not " + size);
        }
        if (count >= maxAmount || length + size > bytes.length) {
            return false;
        }
        System.arraycopy(bet, from, bytes, length, size);
        length += size;
        count++;
        return true;
    }

    /** Adds {@code bet} in its wire bytes, as {@link #add(byte[], int, int)}. */
    public boolean add(Bet bet) {
        if (count >= maxAmount || length + Wire.betSize(bet) > bytes.length) {
            return false;
        }
        length = Wire.putBet(bytes, length, bet);
        count++;
        return true;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * Returns the packed bets as a batch with sequence number {@code seq} and empties the packer.
     *
     * @throws IllegalStateException when it is empty
     * @throws IllegalArgumentException when the bytes added are not valid bets (a caller's bug)
     */
    public BatchBytes take(long seq) {
        if (count == 0) {
            throw new IllegalStateException("no bet to take");
        }
        BatchBytes batch = BatchBytes.copyOf(seq, count, ByteBuffer.wrap(bytes, 0, length));
        length = 0;
        count = 0;
        return batch;
    }
}

package lottery.protocol.codec;

import java.util.ArrayList;
import java.util.List;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.Limits;

/**
 * Packs bets into batches that hold at most {@code maxAmount} bets and whose frame never exceeds 8192 bytes,
 * whatever {@code maxAmount} says. Not thread-safe.
 *
 * <pre>
 * for (Bet bet : bets) {
 *     if (!packer.add(bet)) { send(packer.take(seq++)); packer.add(bet); }
 * }
 * if (!packer.isEmpty()) send(packer.take(seq++));
 * </pre>
 */
public final class BatchPacker {
    /** Bytes a Batch frame has for its bets. */
    static final int BET_BUDGET = Limits.MAX_FRAME_BYTES - Wire.BATCH_OVERHEAD;

    private final int maxAmount;
    private final List<Bet> bets = new ArrayList<>();
    private int bytes;

    public BatchPacker(int maxAmount) {
        if (maxAmount < 1 || maxAmount > Limits.MAX_U16) {
            throw new IllegalArgumentException("batch maxAmount " + maxAmount + " is not in 1.." + Limits.MAX_U16);
        }
        this.maxAmount = maxAmount;
    }

    /**
     * Adds {@code bet} if the batch stays within both limits. An empty packer always takes a bet: the largest bet
     * the records allow is far below the frame budget.
     *
     * @return {@code false}, leaving the packer unchanged, when the bet does not fit: take the batch first
     */
    public boolean add(Bet bet) {
        int size = Wire.betSize(bet);
        if (bets.size() >= maxAmount || bytes + size > BET_BUDGET) {
            return false;
        }
        bets.add(bet);
        bytes += size;
        return true;
    }

    public boolean isEmpty() {
        return bets.isEmpty();
    }

    /** Returns the packed bets as a batch with sequence number {@code seq} and empties the packer. */
    public Batch take(long seq) {
        Batch batch = new Batch(seq, bets);
        bets.clear();
        bytes = 0;
        return batch;
    }
}

package lottery.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import lottery.loadgen.BetPlan;
import lottery.protocol.codec.BatchPacker;
import lottery.protocol.codec.Wire;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.Limits;

/**
 * The data every benchmark works on: the first full BATCH of a synthetic agency, as the load generator packs it
 * ({@link BetPlan}'s bets: accented names, some with a comma or a double quote; {@link BatchPacker} with no count
 * limit, so the frame is as close to 8192 bytes as the bets allow).
 *
 * <p>JMH needs the bets per operation as a constant ({@code @OperationsPerInvocation}), so {@link #BETS_PER_BATCH}
 * is fixed and {@link #fullBatch} fails when the packer no longer gives that many: the figures would otherwise be
 * divided by the wrong count.
 */
public final class BenchBets {
    /** Bets in the full batch of agency {@link #AGENCY}, seed {@link #SEED} (what BatchPacker packs into 8 kB). */
    public static final int BETS_PER_BATCH = 263;
    public static final int AGENCY = 7;
    public static final long SEED = 11;
    /** BetPlan's default share of winners (per mille). */
    public static final int WINNER_PERMILLE = 10;

    private BenchBets() {
    }

    /** Bets 0..count-1 of the benchmark's agency. */
    public static List<Bet> bets(int count) {
        return BetPlan.bets(SEED, AGENCY, count, WINNER_PERMILLE);
    }

    /** The first batch the packer fills: {@link #BETS_PER_BATCH} bets, a frame of at most 8192 bytes. */
    public static Batch fullBatch() {
        BatchPacker packer = new BatchPacker(Limits.MAX_U16);
        int index = 0;
        while (packer.add(BetPlan.bet(SEED, AGENCY, index, WINNER_PERMILLE))) {
            index++;
        }
        Batch batch = packer.take(1);
        if (batch.bets().size() != BETS_PER_BATCH) {
            throw new IllegalStateException("the full batch now holds " + batch.bets().size() + " bets, not "
                    + BETS_PER_BATCH + ": set BenchBets.BETS_PER_BATCH to it, or the per-bet figures are wrong");
        }
        return batch;
    }

    /** The frame of {@code batch} without its length prefix (type byte and body): what Wire.read reads. */
    public static byte[] frame(Batch batch) {
        ByteBuf buf = Unpooled.buffer(Limits.MAX_FRAME_BYTES);
        try {
            Wire.write(batch, buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }
}

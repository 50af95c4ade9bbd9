package lottery.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import lottery.protocol.codec.BatchPacker;
import lottery.protocol.codec.Wire;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;

/**
 * What one synthetic agency sends: its bets packed into batches seq 1, 2, 3... ({@link BatchPacker}, deterministic
 * for the same bets and batch size), with the running totals a resume needs.
 *
 * @param agency          the agency number
 * @param secret          its HELLO secret ("" for none)
 * @param bets            every bet, in order
 * @param batches         batch seq {@code s} is {@code batches.get(s - 1)}
 * @param betsThrough     {@code betsThrough[s]} = bets in batches 1..s ({@code betsThrough[0] = 0})
 * @param expectedWinners bets with the winning number
 * @param frames          {@code frames[s - 1]}: batch seq {@code s} as it goes on the wire (length prefix, type byte,
 *                        body), so a send costs no encoding
 */
record AgencyPlan(int agency, String secret, List<Bet> bets, List<Batch> batches, long[] betsThrough,
                  int expectedWinners, byte[][] frames) {

    static AgencyPlan of(int agency, String secret, List<Bet> bets, int batchMax) {
        BatchPacker packer = new BatchPacker(batchMax);
        List<Batch> batches = new ArrayList<>();
        for (Bet bet : bets) {
            if (!packer.add(bet)) {
                batches.add(packer.take(batches.size() + 1));
                packer.add(bet);
            }
        }
        if (!packer.isEmpty()) {
            batches.add(packer.take(batches.size() + 1));
        }
        long[] through = new long[batches.size() + 1];
        for (int s = 1; s <= batches.size(); s++) {
            through[s] = through[s - 1] + batches.get(s - 1).bets().size();
        }
        int winners = (int) bets.stream().filter(b -> b.number() == BetPlan.WINNING_NUMBER).count();
        byte[][] frames = new byte[batches.size()][];
        for (int s = 0; s < frames.length; s++) {
            ByteBuf frame = Unpooled.buffer();
            try {
                Wire.writeFrame(batches.get(s), frame);
                frames[s] = ByteBufUtil.getBytes(frame);
            } finally {
                frame.release();
            }
        }
        return new AgencyPlan(agency, secret, List.copyOf(bets), List.copyOf(batches), through, winners, frames);
    }

    /** The bets-file rows of batch seq {@code s} (1-based), as the server writes them (the disk ceiling's bytes). */
    byte[] rows(int s) {
        StringBuilder out = new StringBuilder();
        for (Bet bet : batches.get(s - 1).bets()) {
            CsvRows.appendRow(out, agency, bet);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    int totalBets() {
        return bets.size();
    }

    /** The rows this agency's bets become in the bets file. */
    void appendRows(StringBuilder out) {
        for (Bet bet : bets) {
            CsvRows.appendRow(out, agency, bet);
        }
    }
}

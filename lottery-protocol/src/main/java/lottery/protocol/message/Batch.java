package lottery.protocol.message;

import java.util.List;

/**
 * Several bets of the connection's agency, stored all or nothing.
 *
 * @param seq  the agency's batch sequence number (0..2^32-1), echoed in the Ack or Error that answers the batch so
 *             that a retried batch can be recognised
 * @param bets 1..65535 bets; the encoder also refuses a batch whose frame would exceed 8192 bytes (see
 *             {@code lottery.protocol.codec.BatchPacker})
 */
public record Batch(long seq, List<Bet> bets) implements LotteryMessage {

    public Batch {
        Limits.checkU32("batch sequence number", seq);
        bets = List.copyOf(bets);
        if (bets.isEmpty() || bets.size() > Limits.MAX_U16) {
            throw new IllegalArgumentException("a batch holds 1.." + Limits.MAX_U16 + " bets, not " + bets.size());
        }
    }

    @Override
    public MessageType type() {
        return MessageType.BATCH;
    }
}

package lottery.client.lottery;

import java.util.HashMap;
import java.util.Map;
import lottery.client.net.ExchangeException;
import lottery.client.net.StoppedException;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends batches with a bounded pipeline: up to {@code window} batches may wait for their Ack at once, so reading
 * the CSV, the network and the server's storing overlap instead of taking turns, while the client never has more
 * than {@code window} x 8 kB unacknowledged. Acks are matched by sequence number, so the server may answer them in
 * any order; an Ack must report the batch's full size as stored (batches are all or nothing). Not thread-safe.
 */
final class BatchSender {
    /** Batches in flight at most; 1 would be plain stop-and-wait. */
    static final int DEFAULT_WINDOW = 4;
    private static final Logger LOG = LoggerFactory.getLogger(BatchSender.class);

    private final AgencySession session;
    private final int window;
    private final int clientId;
    private final Map<Long, Integer> inFlight = new HashMap<>();
    private long betsSent;
    private long betsAcked;
    private int batchesAcked;

    BatchSender(AgencySession session, int window, int clientId) {
        if (window < 1) {
            throw new IllegalArgumentException("window " + window + " is not positive");
        }
        this.session = session;
        this.window = window;
        this.clientId = clientId;
    }

    /** Sends {@code batch}, first waiting for Acks while the window is full. */
    void send(Batch batch) throws ExchangeException, StoppedException, ServerErrorException {
        while (inFlight.size() >= window) {
            awaitAck();
        }
        session.send(batch);
        inFlight.put(batch.seq(), batch.bets().size());
        betsSent += batch.bets().size();
    }

    /** Waits for the Acks of every batch in flight. */
    void drain() throws ExchangeException, StoppedException, ServerErrorException {
        while (!inFlight.isEmpty()) {
            awaitAck();
        }
    }

    private void awaitAck() throws ExchangeException, StoppedException, ServerErrorException {
        Ack ack = session.expectAck(MessageType.BATCH);
        Integer size = inFlight.remove(ack.seq());
        if (size == null) {
            throw new ExchangeException("the server acknowledged batch " + ack.seq() + ", which is not in flight");
        }
        if (ack.stored() != size) {
            throw new ExchangeException("the server stored " + ack.stored() + " of the " + size + " bets of batch "
                    + ack.seq());
        }
        betsAcked += size;
        batchesAcked++;
        LOG.debug("action: batch_enviado | result: success | client_id: {} | seq: {} | cantidad: {}", clientId,
                ack.seq(), size);
    }

    long betsSent() {
        return betsSent;
    }

    long betsAcked() {
        return betsAcked;
    }

    int batchesAcked() {
        return batchesAcked;
    }
}

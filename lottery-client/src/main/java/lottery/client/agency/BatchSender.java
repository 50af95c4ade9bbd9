package lottery.client.agency;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import lottery.client.net.ExchangeException;
import lottery.client.net.StoppedException;
import lottery.protocol.message.Ack;
import lottery.protocol.message.BatchBytes;
import lottery.protocol.message.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends batches with a bounded pipeline: up to {@code window} batches may wait for their Ack at once, so reading
 * the CSV, the network and the server's storing overlap instead of taking turns, while the client never has more
 * than {@code window} x 8 kB unacknowledged. Acks are matched by sequence number, so the server may answer them in
 * any order; an Ack must report the batch's full size as stored (batches are all or nothing).
 *
 * <p>The batches in flight are kept until acknowledged, so that after a lost connection {@link #resume} can count
 * the ones the new session says are stored and send the others again on the new connection. Not thread-safe.
 */
final class BatchSender {
    /** Batches in flight at most; 1 would be plain stop-and-wait. */
    static final int DEFAULT_WINDOW = 4;
    private static final Logger LOG = LoggerFactory.getLogger(BatchSender.class);

    private AgencySession session;
    private final int window;
    private final int clientId;
    /** The batches sent and not acknowledged yet, by seq. */
    private final TreeMap<Long, BatchBytes> inFlight = new TreeMap<>();
    /** The highest seq sent (or skipped as stored); 0 before the first. */
    private long lastSeq;
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
    void send(BatchBytes batch) throws ExchangeException, StoppedException, ServerErrorException {
        while (inFlight.size() >= window) {
            awaitAck();
        }
        session.send(batch);
        inFlight.put(batch.seq(), batch);
        lastSeq = Math.max(lastSeq, batch.seq());
        betsSent += batch.count();
    }

    /** Counts {@code batch} as stored without sending it: the server's resume point says it has it. */
    void skip(BatchBytes batch) {
        lastSeq = Math.max(lastSeq, batch.seq());
        betsSent += batch.count();
        betsAcked += batch.count();
        batchesAcked++;
    }

    /** Waits for the Acks of every batch in flight. */
    void drain() throws ExchangeException, StoppedException, ServerErrorException {
        while (!inFlight.isEmpty()) {
            awaitAck();
        }
    }

    /**
     * Goes on over {@code newSession} after a lost connection: the batches in flight up to {@code storedSeq} (the
     * server's last stored seq, from the new Hello's Ack) count as acknowledged, the others are sent again in order.
     *
     * @return how many batches were sent again
     * @throws UnexpectedReplyException when the server stores less than it acknowledged before (its resume point is
     *                                  below a batch that is no longer in flight): resending cannot fill that gap
     */
    int resume(AgencySession newSession, long storedSeq) throws UnexpectedReplyException {
        long confirmed = inFlight.isEmpty() ? lastSeq : inFlight.firstKey() - 1;
        if (storedSeq < confirmed) {
            throw new UnexpectedReplyException("the server's last stored batch is " + storedSeq + ", but it had"
                    + " acknowledged every batch up to " + confirmed + " (were the server's files replaced?)");
        }
        session = newSession;
        List<BatchBytes> again = new ArrayList<>();
        for (BatchBytes batch : new ArrayList<>(inFlight.values())) {
            if (batch.seq() <= storedSeq) {
                inFlight.remove(batch.seq());
                acknowledged(batch);
            } else {
                again.add(batch);
            }
        }
        again.forEach(session::send);
        return again.size();
    }

    private void awaitAck() throws ExchangeException, StoppedException, ServerErrorException {
        Ack ack = session.expectAck(MessageType.BATCH);
        BatchBytes batch = inFlight.get(ack.seq());
        if (batch == null) {
            throw new UnexpectedReplyException("the server acknowledged batch " + ack.seq()
                    + ", which is not in flight");
        }
        if (ack.stored() != batch.count()) {
            throw new UnexpectedReplyException("the server stored " + ack.stored() + " of the " + batch.count()
                    + " bets of batch " + ack.seq());
        }
        inFlight.remove(ack.seq());
        acknowledged(batch);
    }

    private void acknowledged(BatchBytes batch) {
        betsAcked += batch.count();
        batchesAcked++;
        LOG.debug("action: batch_enviado | result: success | client_id: {} | seq: {} | cantidad: {}", clientId,
                batch.seq(), batch.count());
    }

    /** The highest seq sent or skipped. */
    long lastSeq() {
        return lastSeq;
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

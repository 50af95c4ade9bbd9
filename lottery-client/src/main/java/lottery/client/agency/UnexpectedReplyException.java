package lottery.client.agency;

import lottery.client.net.ExchangeException;

/**
 * The server answered, but not as the protocol says (an Ack of another request, an Ack for a batch not in flight,
 * a stored count that does not match, a resume point below what it acknowledged before): the two sides are out of
 * step, so the run fails at once instead of reconnecting.
 */
public final class UnexpectedReplyException extends ExchangeException {
    private static final long serialVersionUID = 1L;

    public UnexpectedReplyException(String message) {
        super(message);
    }
}

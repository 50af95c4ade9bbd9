package lottery.client.net;

/** The server did not answer within the time allowed. */
public final class ReplyTimeoutException extends ExchangeException {
    private static final long serialVersionUID = 1L;

    public ReplyTimeoutException(String message) {
        super(message);
    }
}

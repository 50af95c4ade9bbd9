package lottery.client.net;

/** The server could not be reached within the retry budget. */
public final class ConnectException extends ExchangeException {
    private static final long serialVersionUID = 1L;

    public ConnectException(String message, Throwable cause) {
        super(message, cause);
    }
}

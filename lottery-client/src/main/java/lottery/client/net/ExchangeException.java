package lottery.client.net;

/**
 * A conversation with the server that went wrong below the application level: no connection, no answer in time,
 * the connection closed, an unreadable frame. The client logs its message as the one line of a failed run.
 */
public class ExchangeException extends Exception {
    private static final long serialVersionUID = 1L;

    public ExchangeException(String message) {
        super(message);
    }

    public ExchangeException(String message, Throwable cause) {
        super(message, cause);
    }
}

package lottery.client.agency;

/** The agency's CSV file cannot be read on (I/O error, bytes that are not UTF-8, broken quoting). */
public final class BetFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public BetFileException(String message, Throwable cause) {
        super(message, cause);
    }
}

package lottery.client.net;

/**
 * The TLS handshake with the server failed for a reason a new attempt would meet again: the server's certificate is
 * not signed by tls.ca or does not name the server, the server refused the agency certificate (wrong CA, expired,
 * revoked), or the server does not speak TLS. Not retryable: the client logs it and exits 1. A connection the server
 * merely closed during the handshake is an ordinary failed attempt instead (retried).
 */
public final class TlsHandshakeException extends ExchangeException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    public TlsHandshakeException(String message, String reason, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** What went wrong and its usual cause, without the server's name: the log line's reason. */
    public String reason() {
        return reason;
    }
}

package lottery.common.config;

/**
 * A configuration that cannot be used: a key missing or unknown, a value of the wrong type or out of range, a file
 * that cannot be read or parsed. The message is the one line the operator sees
 * ({@code action: config | result: fail | error: MESSAGE}) before the program exits with status 2; it names the key
 * and where its value came from.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}

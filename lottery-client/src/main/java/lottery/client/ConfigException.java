package lottery.client;

/** A configuration value that is missing or wrong; the client reports it in one line and exits with status 2. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}

package lottery.common.config;

/**
 * One configuration key: its name in the file (and in messages), the environment variable that overrides it, and
 * its default.
 *
 * @param name         the key as the file writes it ({@code SERVER_PORT}, {@code loop.amount}); for a key that only
 *                     the environment sets, the variable's name
 * @param variable     the environment variable that sets the key, over the file
 * @param defaultValue the value when neither the file nor the environment sets the key; {@code null} for a required
 *                     key
 * @param inFile       whether the file may set the key ({@code false}: the environment only, like the client's
 *                     {@code CLI_ID})
 */
public record ConfigKey(String name, String variable, String defaultValue, boolean inFile) {

    /** A key of the file, overridden by {@code variable}; {@code defaultValue} null makes it required. */
    public static ConfigKey of(String name, String variable, String defaultValue) {
        return new ConfigKey(name, variable, defaultValue, true);
    }

    /** A key that only the environment variable {@code variable} sets; {@code defaultValue} null makes it required. */
    public static ConfigKey environmentOnly(String variable, String defaultValue) {
        return new ConfigKey(variable, variable, defaultValue, false);
    }

    public boolean required() {
        return defaultValue == null;
    }
}

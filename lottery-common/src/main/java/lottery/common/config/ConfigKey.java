package lottery.common.config;

import java.util.Objects;

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

    // equals and hashCode written out: a record's generated ones are bootstrapped at their first call, which spins
    // method-handle classes at run time (six per start of either program, measured with -Xlog:class+load+cause;
    // docs/PERFORMANCE.md "Start-up"). Keys are looked up in maps while the config loads.

    @Override
    public boolean equals(Object other) {
        return other instanceof ConfigKey that && name.equals(that.name) && variable.equals(that.variable)
                && Objects.equals(defaultValue, that.defaultValue) && inFile == that.inFile;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + variable.hashCode();
    }
}

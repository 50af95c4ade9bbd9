package lottery.common.config;

/**
 * Turns a key's text into its typed value ({@link Settings#get}).
 *
 * @param <T> the value's type
 */
@FunctionalInterface
public interface Converter<T> {
    /**
     * Converts {@code text}, which is trimmed and may be empty.
     *
     * @throws IllegalArgumentException when the text is not a valid value; its message completes the sentence
     *                                  {@code KEY 'TEXT' ...}, so it starts with a verb: "is not a Go duration",
     *                                  "is not one of TRACE, DEBUG, INFO, WARN, ERROR"
     */
    T convert(String text);
}

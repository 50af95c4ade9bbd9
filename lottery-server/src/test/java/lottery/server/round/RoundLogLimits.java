package lottery.server.round;

/**
 * Resets the static log limiters of this package for tests of other packages (one JVM runs every test class), so that
 * the limiters stay package-private in the server: see {@code lottery.server.net.LogLimits}.
 */
public final class RoundLogLimits {

    private RoundLogLimits() {
    }

    /** Forgets what {@link AgencyConversation}'s protocol_error limiter let through or dropped, without a summary. */
    public static void reset() {
        AgencyConversation.LIMITED.reset();
    }
}

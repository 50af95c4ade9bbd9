package lottery.server.net;

import lottery.server.round.RoundLogLimits;

/**
 * Resets the server's static log limiters (one JVM runs every test class): a test that asserts on a rate-limited line
 * calls {@link #reset()} first, so the lines earlier tests wrote within the interval do not hide it, and a test that
 * floods them calls it after, so its pending summaries do not land in a later test's log.
 */
final class LogLimits {

    private LogLimits() {
    }

    static void reset() {
        ExceptionHandler.LIMITED.reset();
        ProtocolDetector.LIMITED.reset();
        HandshakeDeadline.LIMITED.reset();
        ServerInitializer.REFUSALS.reset();
        RoundLogLimits.reset();
    }
}

package lottery.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one log line per closed resource that exercise 4 asks for: {@code action: shutdown | result: success |
 * resource: NAME}. Every resource still open when the run ends is logged at INFO whatever the mode and the reason;
 * only closes that are part of the normal flow (echo mode's connection per message) stay at DEBUG.
 */
public final class ShutdownLog {
    /** The lottery connection to the server. */
    public static final String CONNECTION = "connection";
    /** The agency's CSV file. */
    public static final String BETS_FILE = "bets_file";
    /** Netty's event loop group (its I/O thread). */
    public static final String EVENT_LOOP_GROUP = "event_loop_group";

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownLog.class);

    private ShutdownLog() {
    }

    /** A resource closed as the run ends (done, failed or stopped): INFO, in every mode. */
    public static void closed(String resource) {
        LOG.info("action: shutdown | result: success | resource: {}", resource);
    }

    /** A resource closed in the course of the run (echo mode's connection per message): the same line at DEBUG. */
    public static void closedRoutinely(String resource) {
        LOG.debug("action: shutdown | result: success | resource: {}", resource);
    }

    public static void failed(String resource, Throwable error) {
        LOG.warn("action: shutdown | result: fail | resource: {} | error: {}", resource, error.toString());
    }
}

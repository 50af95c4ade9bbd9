package lottery.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one log line per closed resource that exercise 4 asks for: {@code action: shutdown | resource: NAME}. */
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

    public static void closed(String resource) {
        LOG.info("action: shutdown | result: success | resource: {}", resource);
    }

    public static void failed(String resource, Throwable error) {
        LOG.warn("action: shutdown | result: fail | resource: {} | error: {}", resource, error.toString());
    }
}

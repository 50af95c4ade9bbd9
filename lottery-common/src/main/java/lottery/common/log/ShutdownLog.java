package lottery.common.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log lines of a stop (exercise 4), with the exact text the course's tests and the README name:
 *
 * <pre>
 * action: receive_signal | result: success[ | CONTEXT] | signal: SIGTERM
 * action: shutdown | result: success | resource: NAME          (one per resource closed)
 * action: exit | result: success[ | CONTEXT]
 * action: exit | result: fail[ | CONTEXT] | status: N           (instead, when the run ends with status N, not 0)
 * </pre>
 *
 * CONTEXT names the program where several run side by side ({@code client_id: 7}); the server has none. The first
 * and the last line come from {@link lottery.common.lifecycle.SignalExit}; the resource lines from the code that
 * closes each resource, with the names below.
 */
public final class ShutdownLog {
    /** Server: the listening socket. */
    public static final String SERVER_SOCKET = "server_socket";
    /** Server: every client connection. */
    public static final String CLIENT_CONNECTIONS = "client_connections";
    /** Server: requests still being answered when the grace period ends. */
    public static final String IN_FLIGHT_REQUESTS = "in_flight_requests";
    /** Server: the lottery thread, which runs every lottery request and the draw. */
    public static final String LOTTERY_EXECUTOR = "lottery_executor";
    /** Server: the acceptor and I/O event loops. */
    public static final String EVENT_LOOPS = "event_loops";
    /** Server: the ops endpoint (SERVER_METRICS_PORT): its HTTP port, connections and threads. */
    public static final String OPS_ENDPOINT = "ops_endpoint";
    /** Server: the bets file. */
    public static final String BET_STORE = "bet_store";
    /** Client: the lottery connection to the server. */
    public static final String CONNECTION = "connection";
    /** Client: the agency's CSV file. */
    public static final String BETS_FILE = "bets_file";
    /** Client: Netty's event loop group (its I/O thread). */
    public static final String EVENT_LOOP_GROUP = "event_loop_group";

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownLog.class);

    private ShutdownLog() {
    }

    /** A resource closed as the run ends (done, failed or stopped): INFO, whatever the reason. */
    public static void closed(String resource) {
        LOG.info("action: shutdown | result: success | resource: {}", resource);
    }

    /** A resource closed in the course of the run (the client's echo connection per message): that line at DEBUG. */
    public static void closedRoutinely(String resource) {
        LOG.debug("action: shutdown | result: success | resource: {}", resource);
    }

    /** A resource that could not be closed. */
    public static void failed(String resource, Throwable error) {
        LOG.warn("action: shutdown | result: fail | resource: {} | error: {}", resource,
                LogText.clean(error.toString()));
    }

    /** A resource that could not be closed, for a reason that is not an exception. */
    public static void failed(String resource, String reason) {
        LOG.warn("action: shutdown | result: fail | resource: {} | error: {}", resource, LogText.clean(reason));
    }

    /** The stop was asked for by a signal. */
    public static void signalReceived(String context) {
        LOG.info("action: receive_signal | result: success{} | signal: SIGTERM", withSeparator(context));
    }

    /** The program ends with {@code status}: the success line for 0, else the fail line at ERROR. */
    public static void exit(String context, int status) {
        if (status == 0) {
            LOG.info("action: exit | result: success{}", withSeparator(context));
        } else {
            LOG.error("action: exit | result: fail{} | status: {}", withSeparator(context), status);
        }
    }

    private static String withSeparator(String context) {
        return context.isEmpty() ? "" : " | " + context;
    }
}

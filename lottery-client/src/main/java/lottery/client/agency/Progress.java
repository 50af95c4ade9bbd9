package lottery.client.agency;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line each time the reading of the agency's file passes another 10 %: enough to follow a long upload
 * without a line per batch. Not thread-safe.
 */
final class Progress {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    private final int clientId;
    private int logged;

    Progress(int clientId) {
        this.clientId = clientId;
    }

    /** Logs {@code percent} rounded down to a multiple of 10, when that is more than already logged. */
    void update(int percent, long bets) {
        int step = Math.min(100, percent) / 10 * 10;
        if (step > logged) {
            logged = step;
            LOG.info("action: progress | result: in_progress | client_id: {} | percent: {} | bets: {}", clientId, step,
                    bets);
        }
    }
}

package lottery.server.store;

import java.io.IOException;

/**
 * The store could not be reached for longer than its outage bound (PostgreSQL: SERVER_PG_OUTAGE_SECONDS): a
 * transient condition (a restart, a failover, a lost network) that outlasted the retries, not a fault of the request.
 * The round answers it with the retryable DATABASE_UNAVAILABLE, so the agency reconnects and resumes from what the
 * store holds (which says whether the write that failed this way was stored after all).
 */
public class StoreUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

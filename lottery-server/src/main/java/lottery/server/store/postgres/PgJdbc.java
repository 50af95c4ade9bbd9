package lottery.server.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What every class of the PostgreSQL store does the same way with JDBC.
 *
 * <p>Thread context: stateless; called on whichever thread holds the connection or met the failure
 * ({@code store-sync}, {@code draw-poll}, the lottery thread, or the one that opens a pool).
 */
final class PgJdbc {

    private PgJdbc() {
    }

    /** Rolls back {@code c}'s transaction, ignoring a failure (the connection is broken). */
    static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is broken: the server ends the transaction itself.
        }
    }

    /** The innermost message of {@code e}: the pool and Flyway wrap the driver's, which says what is wrong. */
    static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage());
    }
}

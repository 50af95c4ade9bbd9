package lottery.server.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import lottery.server.store.StoreProbe;

/**
 * The PostgreSQL engine's readiness check: a connection of its own (not one of the store's pool, whose connections
 * the lottery and store-sync threads need), opened with {@code timeoutSeconds} to connect and to answer, checked
 * ({@link Connection#isValid}) and closed. A few milliseconds on a healthy database; {@code /ready} is asked every few
 * seconds at most, so the extra connection costs nothing worth keeping it open for.
 *
 * <p>Thread context: thread-safe (no state); blocks up to about twice {@code timeoutSeconds}, so it runs on the ops
 * endpoint's {@code ops-check} thread.
 */
final class PgProbe implements StoreProbe {
    private final PgSettings settings;
    private final int timeoutSeconds;

    PgProbe(PgSettings settings, int timeoutSeconds) {
        this.settings = settings;
        this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    public String problem() {
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        properties.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        properties.setProperty("socketTimeout", Integer.toString(timeoutSeconds));
        properties.setProperty("loginTimeout", Integer.toString(timeoutSeconds));
        properties.setProperty("ApplicationName", "lottery-server-ready");
        try (Connection connection = new org.postgresql.Driver().connect(settings.url(), properties)) {
            if (connection == null || !connection.isValid(timeoutSeconds)) {
                return "the database " + settings.displayUrl() + " does not answer";
            }
            return null;
        } catch (SQLException | RuntimeException e) {
            return "the database " + settings.displayUrl() + " is not reachable: " + e.getMessage();
        }
    }
}

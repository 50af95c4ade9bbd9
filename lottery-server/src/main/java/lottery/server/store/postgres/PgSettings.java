package lottery.server.store.postgres;

import java.util.Locale;

/**
 * How to reach the PostgreSQL store ({@code SERVER_STORE=postgres}), validated.
 *
 * <p>Thread context: immutable; built from the configuration on the thread that starts the server, then read where a
 * pool is opened (the lottery thread opening the round, or {@code --export-bets}).
 *
 * @param url      {@code jdbc:postgresql://HOST[:PORT]/DATABASE[?...]}, without a password in it (SERVER_PG_URL)
 * @param user     the database user (SERVER_PG_USER)
 * @param password the user's password; never logged nor printed by {@link #toString()} (SERVER_PG_PASSWORD)
 * @param poolSize connections at most (SERVER_PG_POOL_SIZE, 2..64). A server uses one per thread that queries:
 *                 the group commit's ({@code store-sync}; commits never overlap), the {@code draw-poll} thread's (one
 *                 poll at a time; a poll that draws holds its connection as long as the draw takes) and the
 *                 {@code store-io} threads' (up to 4: HELLOs' session claims, recording that an agency got its
 *                 winners; none of them is the lottery thread). With fewer connections one of them may wait for
 *                 one, at most the pool's 5 s timeout (then it is retried, as in a database outage)
 * @param bulk     how a group commit writes its rows: {@code COPY} or batched {@code INSERT} (SERVER_PG_BULK)
 * @param outageSeconds how long the database may stay unreachable (a restart, a failover) before the agencies waiting
 *                 on it get DATABASE_UNAVAILABLE: until then every call retries with backoff ({@link PgOutage};
 *                 SERVER_PG_OUTAGE_SECONDS, 1..3600)
 */
public record PgSettings(String url, String user, String password, int poolSize, Bulk bulk, int outageSeconds) {

    /**
     * The default outage bound: under the client's 30 s wait for an answer, so the agency hears DATABASE_UNAVAILABLE
     * (and why) rather than giving up on the answer by itself; above a restart's or a failover's few seconds.
     */
    public static final int DEFAULT_OUTAGE_SECONDS = 20;

    /** The URL prefix PgJDBC answers to. */
    public static final String URL_PREFIX = "jdbc:postgresql://";

    /** How rows reach the table. */
    public enum Bulk {
        /** {@code COPY bet (...) FROM STDIN}: one stream per group commit. */
        COPY,
        /** Batched {@code INSERT}s, rewritten by the driver into multi-row statements. */
        INSERT;

        /** {@code copy} or {@code insert}, any case. */
        public static Bulk parse(String text) {
            String value = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
            for (Bulk bulk : values()) {
                if (bulk.name().equals(value)) {
                    return bulk;
                }
            }
            throw new IllegalArgumentException("is not copy or insert");
        }
    }

    public PgSettings {
        if (url == null || !url.startsWith(URL_PREFIX) || url.length() == URL_PREFIX.length()) {
            throw new IllegalArgumentException("SERVER_PG_URL '" + (url == null ? "" : url)
                    + "' is not jdbc:postgresql://HOST[:PORT]/DATABASE");
        }
        if (url.toLowerCase(Locale.ROOT).contains("password=")) {
            // The URL is logged; the password has a key of its own that never is.
            throw new IllegalArgumentException("SERVER_PG_URL must not carry the password: set SERVER_PG_PASSWORD");
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("SERVER_PG_USER is empty");
        }
        password = password == null ? "" : password;
        if (poolSize < 2 || poolSize > 64) {
            throw new IllegalArgumentException("SERVER_PG_POOL_SIZE " + poolSize + " is not in 2..64");
        }
        if (bulk == null) {
            throw new IllegalArgumentException("SERVER_PG_BULK is missing");
        }
        if (outageSeconds < 1 || outageSeconds > 3600) {
            throw new IllegalArgumentException("SERVER_PG_OUTAGE_SECONDS " + outageSeconds + " is not in 1..3600");
        }
    }

    /** Settings with the default outage bound ({@value #DEFAULT_OUTAGE_SECONDS} s). */
    public PgSettings(String url, String user, String password, int poolSize, Bulk bulk) {
        this(url, user, password, poolSize, bulk, DEFAULT_OUTAGE_SECONDS);
    }

    /** The URL as logs show it: without its query string (where a driver option could hold anything). */
    public String displayUrl() {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    /** The settings without the password. */
    @Override
    public String toString() {
        return "PgSettings[url=" + displayUrl() + ", user=" + user + ", password=" + (password.isEmpty() ? "none" : "***")
                + ", poolSize=" + poolSize + ", bulk=" + bulk + ", outageSeconds=" + outageSeconds + "]";
    }
}

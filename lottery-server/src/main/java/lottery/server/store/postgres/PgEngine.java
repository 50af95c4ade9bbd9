package lottery.server.store.postgres;

import java.io.IOException;
import lottery.server.store.OpenedRound;
import lottery.server.store.RoundSnapshot;
import lottery.server.store.StoreEngine;
import lottery.server.store.StoreProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL engine's round opening: nothing to lock or read before the port is bound; once it is, joins the
 * database's current round or starts one ({@link PgRoundOpening#open}). The round's state lives in the database, shared
 * by every server, so the round opens with an empty snapshot and the store answers for it.
 *
 * <p>Thread context: see {@link StoreEngine}.
 */
public final class PgEngine implements StoreEngine {
    private static final Logger LOG = LoggerFactory.getLogger(PgEngine.class);

    private final PgSettings settings;
    private final int agencies;
    private final boolean newRound;
    private final boolean fsync;
    private boolean authenticated;

    /**
     * @param newRound whether the operator asked for a new round ({@code --new-round})
     * @param fsync    whether a commit waits for the WAL on disk (SERVER_FSYNC)
     */
    public PgEngine(PgSettings settings, int agencies, boolean newRound, boolean fsync) {
        this.settings = settings;
        this.agencies = agencies;
        this.newRound = newRound;
        this.fsync = fsync;
    }

    @Override
    public void prepare(boolean authenticated) {
        this.authenticated = authenticated;
    }

    @Override
    public OpenedRound open() throws IOException {
        PgRoundOpening.Opened opened = PgRoundOpening.open(settings, agencies, authenticated, newRound, fsync);
        if (opened.newRound() != null) {
            LOG.info("action: new_round | result: success | agencies: {} | round: {} | reason: {}", agencies,
                    opened.round(), opened.newRound());
        } else {
            LOG.info("action: resume_round | result: success | bets: {} | agencies_finished: {} | agencies: {}"
                    + " | round: {}", opened.bets(), opened.finished(), agencies, opened.round());
        }
        return new OpenedRound(opened.store(), RoundSnapshot.empty(agencies));
    }

    /** The database answers a connection's validity check within 2 s ({@link PgProbe}). */
    @Override
    public StoreProbe probe() {
        return new PgProbe(settings, 2);
    }

    @Override
    public void close() {
        // The pool belongs to the store, closed before.
    }
}

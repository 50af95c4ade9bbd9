package lottery.server.store.csv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import lottery.common.log.LogText;
import lottery.server.store.OpenedRound;
import lottery.server.store.RoundSnapshot;
import lottery.server.store.StoreEngine;
import lottery.server.store.StoreProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CSV engine's round opening: the storage lock ({@link StorageLock}; another server there = {@link
 * StorageLock.Locked}, and nothing is touched), the round log read back ({@link CsvBetStore#recover}), then either a
 * new round (the last one's draw ran and every agency got its winners, {@code --new-round}, SERVER_AGENCIES changed,
 * or there is no round log: the old files are archived aside) or the round resumed (a torn tail cut).
 *
 * <p>Thread context: see {@link StoreEngine}.
 */
public final class CsvEngine implements StoreEngine {
    private static final Logger LOG = LoggerFactory.getLogger(CsvEngine.class);

    private final Path path;
    private final int agencies;
    private final boolean newRound;
    private StorageLock lock;
    private RoundState found;
    private boolean authenticated;

    /**
     * @param path     the bets file (its round log, lock and archives sit beside it)
     * @param agencies SERVER_AGENCIES
     * @param newRound whether the operator asked for a new round ({@code --new-round}) whatever the round log says
     */
    public CsvEngine(Path path, int agencies, boolean newRound) {
        this.path = path;
        this.agencies = agencies;
        this.newRound = newRound;
    }

    /**
     * The bets file is where the store writes: a regular file the process may write, on a file system with room
     * left. A file removed or replaced behind the server's back fails it (the store would write to a file nobody
     * reads).
     */
    @Override
    public StoreProbe probe() {
        return () -> {
            try {
                if (!Files.isRegularFile(path)) {
                    return "the bets file " + path + " is missing";
                }
                if (!Files.isWritable(path)) {
                    return "the bets file " + path + " is not writable";
                }
                if (Files.getFileStore(path).getUsableSpace() == 0) {
                    return "no space left for the bets file " + path;
                }
                return null;
            } catch (IOException | RuntimeException e) {
                return "cannot check the bets file " + path + ": " + e.getMessage();
            }
        };
    }

    @Override
    public void prepare(boolean authenticated) throws IOException {
        this.authenticated = authenticated;
        try {
            lock = StorageLock.acquire(path);
        } catch (StorageLock.Locked e) {
            LOG.error("action: lock_storage | result: fail | error: {}", LogText.clean(e.getMessage()));
            throw e;
        }
        found = CsvBetStore.recover(path);
        if (newRoundReason(found) == null && found.authenticated() && !authenticated) {
            // Going on without the secrets would let anyone act as an agency that has not finished yet.
            throw new IOException("the round in progress in " + path + " was started with agency secrets, and"
                    + " SERVER_SECRETS_FILE is not set: set it again to go on with the round, or start a new round"
                    + " (--new-round or SERVER_NEW_ROUND=true)");
        }
    }

    @Override
    public OpenedRound open() throws IOException {
        if (found == null) {
            throw new IllegalStateException("prepare() first");
        }
        String reason = newRoundReason(found);
        if (reason == null) {
            CsvBetStore store = CsvBetStore.resume(path, found);
            LOG.info("action: resume_round | result: success | bets: {} | agencies_finished: {} | agencies: {}",
                    found.bets(), found.finishedCount(), found.agencies());
            return new OpenedRound(store, found.snapshot());
        }
        Optional<Path> archived = CsvBetStore.archiveExisting(path);
        if (archived.isPresent()) {
            LOG.info("action: archive_bets | result: success | from: {} | to: {}", path, archived.get());
        }
        CsvBetStore store = CsvBetStore.newRound(path, agencies, authenticated);
        LOG.info("action: new_round | result: success | agencies: {} | reason: {}", agencies, reason);
        return new OpenedRound(store, RoundSnapshot.empty(agencies));
    }

    /** Why the round found at start-up is not resumed, or null when it is. */
    private String newRoundReason(RoundState round) {
        if (!round.present()) {
            return "no round log";
        }
        if (round.complete()) {
            return "the draw of the last round ran and every agency got its winners";
        }
        if (newRound) {
            return "a new round was asked (--new-round or SERVER_NEW_ROUND=true)";
        }
        if (round.agencies() != agencies) {
            return "SERVER_AGENCIES changed from " + round.agencies() + " to " + agencies;
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        if (lock != null) {
            StorageLock held = lock;
            lock = null;
            held.close();
        }
    }
}

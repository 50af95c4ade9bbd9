package lottery.server.support;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import lottery.protocol.message.Bet;
import lottery.server.store.BetStore;
import lottery.server.store.StoredBet;

/**
 * A {@link BetStore} in memory, for tests of the lottery's rules: no file, and failures on demand. Like every store it
 * is not thread-safe.
 */
public final class MemoryBetStore implements BetStore {
    private final List<StoredBet> rows = new ArrayList<>();
    private String appendFailure;
    private String readFailure;
    private boolean closed;

    @Override
    public void append(int agency, List<Bet> bets) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        if (appendFailure != null) {
            throw new IOException(appendFailure);
        }
        for (Bet bet : bets) {
            rows.add(Bets.stored(agency, bet));
        }
    }

    @Override
    public void forEach(Consumer<? super StoredBet> action) throws IOException {
        if (readFailure != null) {
            throw new IOException(readFailure);
        }
        rows.forEach(action);
    }

    @Override
    public void close() {
        closed = true;
    }

    /** From now on every append fails with {@code message}, storing nothing. */
    public void failAppends(String message) {
        appendFailure = message;
    }

    /** From now on every read fails with {@code message}. */
    public void failReads(String message) {
        readFailure = message;
    }

    /** Every bet stored so far, in order. */
    public List<StoredBet> rows() {
        return List.copyOf(rows);
    }
}

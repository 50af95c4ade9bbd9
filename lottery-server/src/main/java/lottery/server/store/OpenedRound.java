package lottery.server.store;

/**
 * A round a {@link StoreEngine} opened: the store the lottery thread writes it through, and what the store already
 * held of it.
 *
 * <p>Thread context: immutable (two final references); {@link StoreEngine#open} builds it on the lottery thread,
 * which from then on owns the store.
 *
 * @param store    the round's bets; from now on owned by the lottery thread
 * @param snapshot where the round was when it was opened
 */
public record OpenedRound(BetStore store, RoundSnapshot snapshot) {

    public OpenedRound {
        if (store == null || snapshot == null) {
            throw new IllegalArgumentException("an opened round needs its store and its snapshot");
        }
    }
}

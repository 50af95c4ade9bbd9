package lottery.it.arch.broken.store;

import java.sql.Connection;
import lottery.it.arch.broken.round.RulesThatSeeNetty;

/** Breaks two rules on purpose (ArchitectureTest): the storage contract calls up into the rules and names JDBC. */
public interface StoreThatCallsTheRules {

    /** The store's connection: a database type in the engine-neutral contract. */
    Connection connection();

    /** Calls the rules from the store: an arrow pointing up. */
    default void callUp() {
        RulesThatSeeNetty.answer(null);
    }
}

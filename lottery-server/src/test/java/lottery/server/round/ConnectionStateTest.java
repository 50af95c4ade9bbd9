package lottery.server.round;

import static lottery.server.round.ConnectionState.AWAITING_HELLO;
import static lottery.server.round.ConnectionState.CLOSED;
import static lottery.server.round.ConnectionState.CLOSING;
import static lottery.server.round.ConnectionState.HOLDING_WINNERS;
import static lottery.server.round.ConnectionState.SESSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.WinnersQuery;
import lottery.server.support.Bets;
import lottery.server.support.MemoryBetStore;
import lottery.server.support.TaskQueue;
import org.junit.jupiter.api.Test;

/**
 * The states of docs/PROTOCOL.md §6 and the moves between them: the table itself, and a conversation walked through
 * it. (Every {@link AgencyConversationTest} checks the moves too: an illegal one fails an assertion.)
 */
class ConnectionStateTest {
    private final TaskQueue lotteryThread = new TaskQueue();
    private final DrawCoordinator lottery = new DrawCoordinator(new MemoryBetStore(), 2, lotteryThread);

    private static final Replies NOWHERE = new Replies() {
        @Override
        public void send(LotteryMessage message) {
        }

        @Override
        public void close() {
        }
    };

    @Test
    void theMovesAreThoseOfSection6() {
        assertThat(targets(AWAITING_HELLO)).containsExactlyInAnyOrder(SESSION, CLOSING, CLOSED);
        assertThat(targets(SESSION)).containsExactlyInAnyOrder(HOLDING_WINNERS, CLOSING, CLOSED);
        assertThat(targets(HOLDING_WINNERS)).containsExactlyInAnyOrder(SESSION, CLOSING, CLOSED);
        assertThat(targets(CLOSING)).containsExactlyInAnyOrder(CLOSING, CLOSED);
        assertThat(targets(CLOSED)).containsExactly(CLOSED);
    }

    @Test
    void onlyTheLastTwoEndTheConversation() {
        assertThat(EnumSet.allOf(ConnectionState.class)).filteredOn(ConnectionState::ended)
                .containsExactlyInAnyOrder(CLOSING, CLOSED);
    }

    @Test
    void aConversationGoesFromTheHelloThroughTheHeldQueryToTheClose() {
        AgencyConversation first = new AgencyConversation(lottery, NOWHERE, "10.0.0.1");
        assertThat(first.state()).isEqualTo(AWAITING_HELLO);

        first.receive(Hello.of(1));
        assertThat(first.state()).isEqualTo(SESSION);
        first.receive(Finish.INSTANCE);
        first.receive(WinnersQuery.INSTANCE);
        assertThat(first.state()).isEqualTo(HOLDING_WINNERS);
        first.receive(Bets.bet(1, 0));
        assertThat(first.state()).as("a request behind the held query waits").isEqualTo(HOLDING_WINNERS);

        AgencyConversation second = new AgencyConversation(lottery, NOWHERE, "10.0.0.2");
        second.receive(Hello.of(2));
        second.receive(Finish.INSTANCE);
        lotteryThread.runAll();
        assertThat(first.state()).as("the draw answers the query").isEqualTo(SESSION);

        first.inputClosed();
        assertThat(first.state()).isEqualTo(CLOSING);
        first.connectionClosed();
        assertThat(first.state()).isEqualTo(CLOSED);
    }

    @Test
    void aFatalErrorBeforeTheHelloEndsTheConversation() {
        AgencyConversation conversation = new AgencyConversation(lottery, NOWHERE, "10.0.0.3");

        conversation.receive(Finish.INSTANCE);

        assertThat(conversation.state()).isEqualTo(CLOSING);
        conversation.receive(Hello.of(1));
        assertThat(conversation.state()).as("nothing more is answered").isEqualTo(CLOSING);
    }

    @Test
    void aConnectionThatIsGoneIsClosedFromAnyState() {
        AgencyConversation waiting = new AgencyConversation(lottery, NOWHERE, "10.0.0.4");
        waiting.receive(Hello.of(1));
        waiting.receive(Finish.INSTANCE);
        waiting.receive(WinnersQuery.INSTANCE);
        assertThat(waiting.state()).isEqualTo(HOLDING_WINNERS);

        waiting.connectionClosed();

        assertThat(waiting.state()).isEqualTo(CLOSED);
        assertThat(lottery.waitingCount()).as("the held query is withdrawn").isZero();
        waiting.connectionClosed();
        assertThat(waiting.state()).isEqualTo(CLOSED);
    }

    private static Set<ConnectionState> targets(ConnectionState from) {
        Set<ConnectionState> targets = EnumSet.noneOf(ConnectionState.class);
        for (ConnectionState to : ConnectionState.values()) {
            if (from.canBecome(to)) {
                targets.add(to);
            }
        }
        return targets;
    }
}

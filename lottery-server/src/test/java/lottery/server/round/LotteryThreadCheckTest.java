package lottery.server.round;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.server.support.Bets;
import lottery.server.support.MemoryBetStore;
import lottery.server.support.TaskQueue;
import org.junit.jupiter.api.Test;

/**
 * The round belongs to the lottery thread, and says so: an entry called from another thread throws
 * IllegalStateException naming that thread, before it touches anything. Here the test's thread is the lottery thread
 * (it created the {@link TaskQueue}) and a thread named "intruder" calls in, on purpose.
 */
class LotteryThreadCheckTest {
    private final TaskQueue lotteryThread = new TaskQueue();

    private interface Entry {
        void call() throws Exception;
    }

    /** Calls every entry on a thread named "intruder"; what each threw (null: nothing). */
    private static List<Throwable> callFromAnotherThread(List<Entry> entries) throws InterruptedException {
        List<Throwable> thrown = new ArrayList<>();
        Thread intruder = new Thread(() -> {
            for (Entry entry : entries) {
                try {
                    entry.call();
                    thrown.add(null);
                } catch (Throwable t) {
                    thrown.add(t);
                }
            }
        }, "intruder");
        intruder.start();
        intruder.join(); // publishes what it recorded
        return thrown;
    }

    private static void assertAllRefused(List<Throwable> thrown, int entries) {
        assertThat(thrown).hasSize(entries).allSatisfy(t -> assertThat(t).isInstanceOf(IllegalStateException.class)
                .hasMessage("called on thread 'intruder', not on the lottery thread that owns the round"));
    }

    @Test
    void theCoordinatorsEntriesRefuseAnotherThreadAndChangeNothing() throws Exception {
        DrawCoordinator coordinator = new DrawCoordinator(new MemoryBetStore(), 2, lotteryThread);
        Runnable callback = () -> { };
        List<Entry> entries = List.of(coordinator::checkLotteryThread,
                () -> coordinator.begin(new MemoryBetStore(), lottery.server.store.RoundSnapshot.empty(2)),
                () -> coordinator.claimSession(1, this), () -> coordinator.releaseSession(1, this),
                () -> coordinator.claim(1, this, claimed -> { }), () -> coordinator.refusal(1, 0), () -> coordinator.lastSeq(1),
                () -> coordinator.stored(1), () -> coordinator.afterDurable(failure -> { }),
                () -> coordinator.storeBets(1, Bets.range(1, 0, 1)),
                () -> coordinator.storeBets(1, 1, Bets.range(1, 0, 1)), () -> coordinator.finish(1),
                () -> coordinator.hasFinished(1), coordinator::drawDecided, () -> coordinator.whenDecided(callback),
                () -> coordinator.forget(callback), coordinator::waitingCount, () -> coordinator.winners(1),
                coordinator::drawn, () -> coordinator.answered(1), coordinator::close, coordinator::isClosed);

        assertAllRefused(callFromAnotherThread(entries), entries.size());

        // Nothing was stored, finished or closed: on its own thread it goes on as if nobody had called.
        assertThat(coordinator.isClosed()).isFalse();
        assertThat(coordinator.hasFinished(1)).isFalse();
        assertThat(coordinator.waitingCount()).isZero();
        assertThat(coordinator.storeBets(1, Bets.range(1, 0, 3))).isEqualTo(3);
        coordinator.checkLotteryThread();
    }

    @Test
    void thePiecesBehindItRefuseAnotherThreadToo() throws Exception {
        MemoryBetStore store = new MemoryBetStore();
        GroupCommit commit = new GroupCommit(store, true, lotteryThread, null);
        Draw draw = new Draw(lotteryThread);
        RoundLedger ledger = new RoundLedger(2, lotteryThread);
        List<Entry> entries = List.of(() -> commit.afterDurable(failure -> { }), commit::waitingCount,
                commit::syncNow, draw::decided, () -> draw.decide(Map.of(), null), () -> draw.queue(store, false),
                draw::stop, () -> ledger.recordStored(1, 1, 5), () -> ledger.recordFinished(1),
                () -> ledger.hasFinished(1), () -> ledger.claimSession(1, this));

        assertAllRefused(callFromAnotherThread(entries), entries.size());

        assertThat(draw.decided()).isFalse();
        assertThat(lotteryThread.size()).as("no draw queued").isZero();
        assertThat(ledger.stored(1)).isZero();
        assertThat(ledger.knowsAgency(2)).as("immutable: answered anywhere").isTrue();
    }

    @Test
    void aConversationsEntriesRefuseAnotherThread() throws Exception {
        DrawCoordinator coordinator = new DrawCoordinator(new MemoryBetStore(), 2, lotteryThread);
        List<LotteryMessage> sent = new ArrayList<>();
        AgencyConversation conversation = new AgencyConversation(coordinator, new Replies() {
            @Override
            public void send(LotteryMessage message) {
                sent.add(message);
            }

            @Override
            public void close() {
            }
        }, "10.0.0.9");
        List<Entry> entries = List.of(() -> conversation.receive(Hello.of(1)),
                () -> conversation.receiveUndecodable(new ErrorReply(ErrorCode.MALFORMED_FRAME, MessageType.BATCH, 0,
                        "truncated"), 0),
                conversation::idle, conversation::inputClosed, conversation::connectionClosed,
                conversation::internalError);

        assertAllRefused(callFromAnotherThread(entries), entries.size());

        assertThat(sent).as("nothing answered").isEmpty();
        assertThat(conversation.state()).isEqualTo(ConnectionState.AWAITING_HELLO);
        conversation.receive(Hello.of(1));
        assertThat(sent).hasSize(1);
    }
}

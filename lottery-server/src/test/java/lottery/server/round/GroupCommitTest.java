package lottery.server.round;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.server.store.BetStore;
import lottery.server.store.RoundSnapshot;
import lottery.server.store.StoredBet;
import lottery.server.store.csv.CsvBetStore;
import lottery.server.support.Bets;
import lottery.server.support.TaskQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit with SERVER_FSYNC on: an Ack leaves only after a force that covers its write, one force covers the
 * writes of every connection made before it, and the answers behind a waiting Ack wait too. Two {@link TaskQueue}s
 * stand in for the lottery thread and the {@code store-sync} thread, so the test decides when a force runs.
 */
class GroupCommitTest {
    @TempDir
    Path dir;

    private final TaskQueue lotteryThread = new TaskQueue();
    private final TaskQueue syncThread = new TaskQueue();
    private CsvBetStore store;
    private DrawCoordinator lottery;

    @BeforeEach
    void open() throws IOException {
        store = CsvBetStore.newRound(dir.resolve("bets.csv"), 3);
        lottery = new DrawCoordinator(3, lotteryThread, syncThread, null, AgencySecrets.none(), true);
        lottery.begin(store, RoundSnapshot.empty(3));
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    /** One connection: records what it was sent, and how many forces had finished when each answer left. */
    private final class Peer implements Replies {
        final List<LotteryMessage> sent = new ArrayList<>();
        final List<Long> forcesAtSend = new ArrayList<>();
        final AgencyConversation conversation = new AgencyConversation(lottery, this, "10.0.0.1");

        @Override
        public void send(LotteryMessage message) {
            sent.add(message);
            forcesAtSend.add(store.forces());
        }

        @Override
        public void close() {
        }
    }

    private Peer agency(int agency) {
        Peer peer = new Peer();
        peer.conversation.receive(Hello.of(agency));
        assertThat(peer.sent).as("nothing written yet: the HELLO Ack needs no force")
                .containsExactly(new Ack(MessageType.HELLO, 0, 0));
        return peer;
    }

    @Test
    void batchesOfSeveralConnectionsAreAckedAfterOneForceAndNotBefore() {
        List<Peer> peers = List.of(agency(1), agency(2), agency(3));
        for (int seq = 1; seq <= 4; seq++) {
            for (int agency = 1; agency <= 3; agency++) {
                peers.get(agency - 1).conversation.receive(new Batch(seq, Bets.range(agency, seq * 10, seq * 10 + 5)));
            }
        }

        assertThat(peers).allSatisfy(peer -> assertThat(peer.sent).as("no Ack before its force").hasSize(1));
        assertThat(store.forces()).isZero();
        assertThat(syncThread.size()).as("one force asked for, not twelve").isEqualTo(1);

        syncThread.runAll();
        assertThat(peers).allSatisfy(peer -> assertThat(peer.sent).as("the completion is the lottery thread's")
                .hasSize(1));
        lotteryThread.runAll();

        assertThat(store.forces()).isEqualTo(1);
        for (int agency = 1; agency <= 3; agency++) {
            Peer peer = peers.get(agency - 1);
            assertThat(peer.sent.subList(1, 5)).containsExactly(new Ack(MessageType.BATCH, 1, 5),
                    new Ack(MessageType.BATCH, 2, 5), new Ack(MessageType.BATCH, 3, 5),
                    new Ack(MessageType.BATCH, 4, 5));
            assertThat(peer.forcesAtSend.subList(1, 5)).allSatisfy(forces -> assertThat(forces).isEqualTo(1));
        }
        assertThat(syncThread.size()).as("nothing left to force").isZero();
    }

    @Test
    void writesMadeWhileAForceRunsWaitForTheNextOne() {
        Peer peer = agency(1);
        peer.conversation.receive(new Batch(1, Bets.range(1, 0, 2)));
        syncThread.runAll(); // the first force, covering batch 1
        peer.conversation.receive(new Batch(2, Bets.range(1, 2, 4)));
        peer.conversation.receive(new Batch(3, Bets.range(1, 4, 6)));

        lotteryThread.runAll(); // batch 1 is durable; batches 2 and 3 start the second force
        assertThat(peer.sent).containsExactly(new Ack(MessageType.HELLO, 0, 0), new Ack(MessageType.BATCH, 1, 2));
        syncThread.runAll();
        lotteryThread.runAll();

        assertThat(peer.sent).hasSize(4);
        assertThat(peer.forcesAtSend).containsExactly(0L, 1L, 2L, 2L);
    }

    @Test
    void answersBehindAWaitingAckWaitForItSoTheyKeepRequestOrder() {
        Peer peer = agency(1);
        peer.conversation.receive(new Batch(1, Bets.range(1, 0, 2)));
        peer.conversation.receive(new Batch(5, Bets.range(1, 2, 4))); // a gap: answered at once, but queued

        assertThat(peer.sent).hasSize(1);
        syncThread.runAll();
        lotteryThread.runAll();

        assertThat(peer.sent.get(1)).isEqualTo(new Ack(MessageType.BATCH, 1, 2));
        assertThat(((ErrorReply) peer.sent.get(2)).code()).isEqualTo(ErrorCode.SEQUENCE_GAP);
    }

    /**
     * A HELLO's Ack reports the agency's own seq and stored bets: it waits for a force of the agency's writes only,
     * not of the others' (1,000 agencies connecting during an ingest each waited for a force before sending a bet).
     */
    @Test
    void aHelloWaitsOnlyForItsOwnAgencysWrites() {
        Peer first = agency(1);
        first.conversation.receive(new Batch(1, Bets.range(1, 0, 2)));
        first.conversation.connectionClosed(); // its batch is written, not yet forced

        Peer other = new Peer();
        other.conversation.receive(Hello.of(2));
        assertThat(other.sent).as("agency 2 wrote nothing: answered without waiting for agency 1's force")
                .containsExactly(new Ack(MessageType.HELLO, 0, 0));

        Peer again = new Peer();
        again.conversation.receive(Hello.of(1));
        assertThat(again.sent).as("agency 1's batch 1 is not durable yet: its HELLO Ack waits").isEmpty();
        syncThread.runAll();
        lotteryThread.runAll();
        assertThat(again.sent).containsExactly(new Ack(MessageType.HELLO, 1, 2));
        assertThat(again.forcesAtSend).containsExactly(1L);
    }

    @Test
    void aStopForcesAtOnceAndReleasesTheWaitingAcks() {
        Peer peer = agency(1);
        peer.conversation.receive(new Batch(1, Bets.range(1, 0, 2)));
        peer.conversation.receive(Finish.INSTANCE);

        lottery.close();

        assertThat(peer.sent).containsExactly(new Ack(MessageType.HELLO, 0, 0), new Ack(MessageType.BATCH, 1, 2),
                new Ack(MessageType.FINISH, 0, 2));
        assertThat(store.forces()).isEqualTo(1);
        // The force still queued on the sync thread finds nothing left to release.
        syncThread.runAll();
        lotteryThread.runAll();
        assertThat(peer.sent).hasSize(3);
    }

    @Test
    void withoutFsyncAnAckLeavesAtOnce() throws IOException {
        try (CsvBetStore other = CsvBetStore.newRound(dir.resolve("other.csv"), 1)) {
            lottery = new DrawCoordinator(1, lotteryThread, syncThread, null, AgencySecrets.none(), false);
            lottery.begin(other, RoundSnapshot.empty(1));
            Peer peer = agency(1);

            peer.conversation.receive(new Batch(1, Bets.range(1, 0, 2)));

            assertThat(peer.sent).containsExactly(new Ack(MessageType.HELLO, 0, 0), new Ack(MessageType.BATCH, 1, 2));
            assertThat(syncThread.size()).isZero();
        }
    }

    @Test
    void aForceThatFailsAnswersInternalErrorInsteadOfTheAckAndCloses() {
        BetStore failing = new BetStore() {
            private long written;

            @Override
            public void append(int agency, List<lottery.protocol.message.Bet> bets) {
                written++;
            }

            @Override
            public void forEach(java.util.function.Consumer<? super StoredBet> action) {
            }

            @Override
            public long written() {
                return written;
            }

            @Override
            public void sync() throws IOException {
                throw new IOException("Input/output error");
            }

            @Override
            public void close() {
            }
        };
        lottery = new DrawCoordinator(1, lotteryThread, syncThread, null, AgencySecrets.none(), true);
        lottery.begin(failing, RoundSnapshot.empty(1));
        List<LotteryMessage> sent = new ArrayList<>();
        boolean[] closed = {false};
        AgencyConversation conversation = new AgencyConversation(lottery, new Replies() {
            @Override
            public void send(LotteryMessage message) {
                sent.add(message);
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        }, "10.0.0.2");
        conversation.receive(Hello.of(1));
        conversation.receive(new Batch(1, Bets.range(1, 0, 2)));
        conversation.receive(new Batch(2, Bets.range(1, 2, 4)));

        syncThread.runAll();
        lotteryThread.runAll();

        assertThat(sent).hasSize(2);
        ErrorReply error = (ErrorReply) sent.get(1);
        assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(error.seq()).isEqualTo(1);
        assertThat(error.reason()).isEqualTo("cannot force the bets to the disk: Input/output error");
        assertThat(closed[0]).isTrue();
    }
}

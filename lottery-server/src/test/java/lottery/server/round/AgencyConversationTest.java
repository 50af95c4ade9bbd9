package lottery.server.round;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;
import lottery.server.support.Bets;
import lottery.server.support.MemoryBetStore;
import lottery.server.support.TaskQueue;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection state machine of docs/PROTOCOL.md §6 and the error table of §7, rule by rule, on plain objects: no
 * sockets, no Netty. Everything runs on the test's thread, which plays the lottery thread; the queued draw runs when
 * the test runs the {@link TaskQueue}.
 */
class AgencyConversationTest {
    private static final String IP = "10.0.0.7";

    private final MemoryBetStore store = new MemoryBetStore();
    private final TaskQueue lotteryThread = new TaskQueue();
    /** Two agencies take part in the draw. */
    private final DrawCoordinator lottery = new DrawCoordinator(store, 2, lotteryThread);
    private LogCapture log;

    @BeforeEach
    void captureLog() {
        AgencyConversation.LIMITED.reset();
        log = LogCapture.open();
    }

    @AfterEach
    void stopCapture() {
        log.close();
    }

    /** The agency's end of one connection: records what the conversation sends and when it closes. */
    private final class Peer implements Replies {
        private final List<LotteryMessage> sent = new ArrayList<>();
        private int read;
        /** Messages sent before the close, or -1 while open. */
        private int closedAfter = -1;
        final AgencyConversation conversation = new AgencyConversation(lottery, this, IP);

        @Override
        public void send(LotteryMessage message) {
            assertThat(closedAfter).as("nothing is sent after the close").isEqualTo(-1);
            sent.add(message);
        }

        @Override
        public void close() {
            assertThat(closedAfter).as("closed once").isEqualTo(-1);
            closedAfter = sent.size();
        }

        Peer ask(LotteryMessage... requests) {
            for (LotteryMessage request : requests) {
                conversation.receive(request);
            }
            return this;
        }

        LotteryMessage next() {
            assertThat(read).as("an answer was sent").isLessThan(sent.size());
            return sent.get(read++);
        }

        void expectAck(MessageType ref, long seq, long stored) {
            assertThat(next()).isEqualTo(new Ack(ref, seq, stored));
        }

        ErrorReply expectError(ErrorCode code) {
            LotteryMessage answer = next();
            assertThat(answer).isInstanceOf(ErrorReply.class);
            assertThat(((ErrorReply) answer).code()).isEqualTo(code);
            return (ErrorReply) answer;
        }

        void expectNothingMore() {
            assertThat(sent.subList(read, sent.size())).as("answers not expected").isEmpty();
        }

        boolean isOpen() {
            return closedAfter < 0;
        }

        /** Whether it closed right after its last answer (so that answer was not cut off). */
        boolean closedAfterLastAnswer() {
            return closedAfter == sent.size();
        }
    }

    private Peer connect() {
        return new Peer();
    }

    /** A session of {@code agency}; its HELLO Ack (the resume point) is read. */
    private Peer agency(int agency) {
        Peer peer = connect().ask(Hello.of(agency));
        assertThat(peer.next()).isEqualTo(new Ack(MessageType.HELLO, lottery.lastSeq(agency), lottery.stored(agency)));
        return peer;
    }

    /** Agency {@code agency} sends Finish on a connection of its own, which then closes. */
    private void finish(int agency) {
        Peer peer = agency(agency);
        peer.ask(Finish.INSTANCE);
        assertThat(peer.next()).isInstanceOf(Ack.class);
        peer.conversation.connectionClosed();
    }

    /** Both agencies finish, and the draw queued behind the last Finish runs. */
    private void draw() {
        if (!lottery.hasFinished(1)) {
            finish(1);
        }
        if (!lottery.hasFinished(2)) {
            finish(2);
        }
        lotteryThread.runAll();
        assertThat(lottery.drawn()).isTrue();
    }

    // §6.1: HELLO first

    @Test
    void aHelloIsAckedAndFixesTheAgencyOfEveryLaterRequest() {
        Peer peer = connect().ask(Hello.of(2));
        peer.expectAck(MessageType.HELLO, 0, 0);

        peer.ask(Bets.bet(2, 5));

        peer.expectAck(MessageType.BET, 0, 1);
        assertThat(store.rows()).containsExactly(Bets.stored(2, Bets.bet(2, 5)));
    }

    @Test
    void anyOtherFirstMessageIsHandshakeRequiredAndCloses() {
        for (LotteryMessage first : List.of(Bets.bet(1, 0), new Batch(4, Bets.range(1, 0, 2)), Finish.INSTANCE,
                WinnersQuery.INSTANCE)) {
            Peer peer = connect().ask(first, Hello.of(1));

            ErrorReply error = peer.expectError(ErrorCode.HANDSHAKE_REQUIRED);
            assertThat(error.ref()).isEqualTo(first.type());
            assertThat(error.seq()).isEqualTo(first instanceof Batch ? 4 : 0);
            peer.expectNothingMore();
            assertThat(peer.closedAfterLastAnswer()).as("closes after " + first.type()).isTrue();
        }
        assertThat(store.rows()).isEmpty();
        assertThat(log.messages()).contains("action: protocol_error | result: fail | ip: 10.0.0.7"
                + " | code: HANDSHAKE_REQUIRED | reason: the first message must be a HELLO");
    }

    @Test
    void aSecondHelloIsHandshakeRequiredAndCloses() {
        Peer peer = agency(1).ask(Hello.of(1), Bets.bet(1, 0));

        assertThat(peer.expectError(ErrorCode.HANDSHAKE_REQUIRED).reason()).isEqualTo("the handshake was already done");
        peer.expectNothingMore();
        assertThat(peer.closedAfterLastAnswer()).isTrue();
        assertThat(store.rows()).isEmpty();
    }

    @Test
    void anUnsupportedVersionOrAnAgencyOutsideTheDrawCloses() {
        Peer newer = connect().ask(new Hello(2, 1, ""));
        assertThat(newer.expectError(ErrorCode.UNSUPPORTED_VERSION).reason())
                .isEqualTo("protocol version 2 is not supported (server speaks 1)");
        assertThat(newer.closedAfterLastAnswer()).isTrue();

        Peer stranger = connect().ask(Hello.of(3));
        assertThat(stranger.expectError(ErrorCode.UNKNOWN_AGENCY).reason())
                .isEqualTo("agency 3 does not take part in this draw");
        assertThat(stranger.closedAfterLastAnswer()).isTrue();
    }

    // §6.2 and §6.4: bets and batches, all or nothing

    @Test
    void aSingleBetIsStoredAckedAndLoggedAtInfo() {
        Bet bet = new Bet("Santiago Lionel", "Lorca", "30904465", LocalDate.of(1999, 3, 17), 7574);
        Peer peer = agency(1).ask(bet);

        peer.expectAck(MessageType.BET, 0, 1);
        assertThat(store.rows()).containsExactly(Bets.stored(1, bet));
        assertThat(log.lines()).contains(
                "INFO action: apuesta_almacenada | result: success | dni: 30904465 | numero: 7574");
    }

    @Test
    void aBatchIsStoredWholeAckedWithItsSeqAndLoggedOnce() {
        Peer peer = agency(2).ask(new Batch(1, Bets.range(2, 0, 30)), new Batch(2, Bets.range(2, 30, 31)));

        peer.expectAck(MessageType.BATCH, 1, 30);
        peer.expectAck(MessageType.BATCH, 2, 1);
        assertThat(store.rows()).hasSize(31);
        assertThat(log.count("action: apuesta_recibida | result: success | cantidad: 30")).isEqualTo(1);
        // The per-bet lines of a batch are DEBUG only.
        assertThat(log.lines()).noneMatch(line -> line.startsWith("INFO action: apuesta_almacenada"));
    }

    @Test
    void anInvalidBetIsRefusedStoringNothingAndTheConversationGoesOn() {
        Peer peer = agency(1);
        peer.conversation.receiveUndecodable(ErrorReply.of(ErrorCode.INVALID_BET, MessageType.BATCH, 1,
                "bet 3 of 5: month 13"), 5);
        peer.conversation.receiveUndecodable(ErrorReply.of(ErrorCode.INVALID_BET, MessageType.BET, 0, "bad"), 0);
        peer.ask(new Batch(1, Bets.range(1, 0, 5)));

        ErrorReply refused = peer.expectError(ErrorCode.INVALID_BET);
        assertThat(refused.seq()).isEqualTo(1);
        peer.expectError(ErrorCode.INVALID_BET);
        peer.expectAck(MessageType.BATCH, 1, 5);
        assertThat(peer.isOpen()).isTrue();
        assertThat(store.rows()).hasSize(5);
        assertThat(log.messages()).containsSubsequence("action: apuesta_recibida | result: fail | cantidad: 5",
                "action: apuesta_almacenada | result: fail | error: INVALID_BET",
                "action: apuesta_recibida | result: success | cantidad: 5");
    }

    @Test
    void anInvalidBetBeforeTheHandshakeIsHandshakeRequired() {
        Peer peer = connect();
        peer.conversation.receiveUndecodable(ErrorReply.of(ErrorCode.INVALID_BET, MessageType.BATCH, 3, "bad"), 2);

        ErrorReply error = peer.expectError(ErrorCode.HANDSHAKE_REQUIRED);
        assertThat(error.ref()).isEqualTo(MessageType.BATCH);
        assertThat(error.seq()).isEqualTo(3);
        assertThat(peer.closedAfterLastAnswer()).isTrue();
    }

    @Test
    void aFatalFrameIsAnsweredThenClosesAndNothingAfterItIsAnswered() {
        Peer peer = agency(1).ask(Bets.bet(1, 0));
        peer.conversation.receiveUndecodable(ErrorReply.of(ErrorCode.MALFORMED_FRAME, null, 0, "trailing | bytes"), 0);
        peer.ask(Bets.bet(1, 1), Finish.INSTANCE);
        peer.conversation.idle();
        peer.conversation.inputClosed();

        peer.expectAck(MessageType.BET, 0, 1);
        peer.expectError(ErrorCode.MALFORMED_FRAME);
        peer.expectNothingMore();
        assertThat(peer.closedAfterLastAnswer()).isTrue();
        assertThat(store.rows()).hasSize(1);
        assertThat(lottery.hasFinished(1)).isFalse();
        // Peer text in a log line: '|' would split it.
        assertThat(log.messages()).contains("action: protocol_error | result: fail | ip: 10.0.0.7"
                + " | code: MALFORMED_FRAME | reason: trailing / bytes");
    }

    @Test
    void serverMessagesFromAClientAreUnexpectedAndClose() {
        for (LotteryMessage serverMessage : List.of(new Ack(MessageType.BET, 0, 1),
                ErrorReply.of(ErrorCode.INVALID_BET, MessageType.BET, 0, "x"), new Winners(true, List.of()))) {
            Peer peer = agency(1).ask(serverMessage);

            ErrorReply error = peer.expectError(ErrorCode.UNEXPECTED_MESSAGE);
            assertThat(error.ref()).isEqualTo(serverMessage.type());
            assertThat(peer.closedAfterLastAnswer()).isTrue();
        }
    }

    @Test
    void aStorageFailureIsRefusedNothingIsStoredAndTheConversationGoesOn() {
        Peer peer = agency(1).ask(Bets.bet(1, 0));
        store.failAppends("No space left on device");
        peer.ask(new Batch(1, Bets.range(1, 1, 4)), Bets.bet(1, 9));

        peer.expectAck(MessageType.BET, 0, 1);
        ErrorReply batch = peer.expectError(ErrorCode.STORAGE_FAILURE);
        assertThat(batch.seq()).isEqualTo(1);
        assertThat(batch.reason()).isEqualTo("cannot store the bets: No space left on device");
        peer.expectError(ErrorCode.STORAGE_FAILURE);
        assertThat(peer.isOpen()).isTrue();
        assertThat(store.rows()).hasSize(1);
        // The reason is in the log too: a full disk must be visible to the operator, not only to the agency.
        assertThat(log.messages()).contains("action: apuesta_recibida | result: fail | cantidad: 3 | error:"
                        + " STORAGE_FAILURE | reason: cannot store the bets: No space left on device",
                "action: apuesta_almacenada | result: fail | dni: 10000009 | numero: 9 | error: STORAGE_FAILURE"
                        + " | reason: cannot store the bets: No space left on device");
    }

    // §6.2: FINISH, then WINNERS_QUERY

    @Test
    void finishAcksTheAgencysTotalThenNewBetsAreRefusedAndASecondFinishIsAckedAgain() {
        Peer peer = agency(1).ask(new Batch(1, Bets.range(1, 0, 4)), Bets.bet(1, 4), Finish.INSTANCE,
                Finish.INSTANCE, new Batch(2, Bets.range(1, 5, 6)), Bets.bet(1, 7), new Batch(1, Bets.range(1, 0, 4)));

        peer.expectAck(MessageType.BATCH, 1, 4);
        peer.expectAck(MessageType.BET, 0, 1);
        peer.expectAck(MessageType.FINISH, 0, 5);
        peer.expectAck(MessageType.FINISH, 0, 5);
        assertThat(peer.expectError(ErrorCode.BET_AFTER_FINISH).seq()).isEqualTo(2);
        peer.expectError(ErrorCode.BET_AFTER_FINISH);
        // A resent batch that is already stored is acked again, even after the FINISH.
        peer.expectAck(MessageType.BATCH, 1, 4);
        assertThat(peer.isOpen()).isTrue();
        assertThat(store.rows()).hasSize(5);
        assertThat(log.count("action: finish | result: success | agency: 1 | cantidad: 5")).isEqualTo(2);
    }

    @Test
    void theFinishIsTheAgencysNotTheConnections() {
        Peer first = agency(1).ask(Finish.INSTANCE);
        first.expectAck(MessageType.FINISH, 0, 0);
        first.conversation.connectionClosed();

        Peer again = agency(1).ask(Bets.bet(1, 0), Finish.INSTANCE);

        again.expectError(ErrorCode.BET_AFTER_FINISH);
        again.expectAck(MessageType.FINISH, 0, 0);
        assertThat(store.rows()).isEmpty();
    }

    // Resuming: seqs are the agency's, across connections

    @Test
    void theHelloAckIsTheResumePointAndAResentBatchIsAckedAgainNotStored() {
        Peer first = agency(1).ask(new Batch(1, Bets.range(1, 0, 3)), new Batch(2, Bets.range(1, 3, 5)));
        first.expectAck(MessageType.BATCH, 1, 3);
        first.expectAck(MessageType.BATCH, 2, 2);
        first.conversation.connectionClosed();

        Peer second = connect().ask(Hello.of(1), new Batch(2, Bets.range(1, 3, 5)), new Batch(3, Bets.range(1, 5, 6)));

        second.expectAck(MessageType.HELLO, 2, 5);
        second.expectAck(MessageType.BATCH, 2, 2);
        second.expectAck(MessageType.BATCH, 3, 1);
        assertThat(store.rows()).hasSize(6);
        assertThat(log.count("action: apuesta_recibida | result: success | cantidad: 2")).isEqualTo(1);
    }

    @Test
    void aSeqThatIsNeitherStoredNorTheNextOneIsASequenceGapThatStoresNothing() {
        Peer peer = agency(1).ask(new Batch(0, Bets.range(1, 0, 2)), new Batch(2, Bets.range(1, 0, 2)),
                new Batch(1, Bets.range(1, 0, 2)), new Batch(3, Bets.range(1, 2, 3)));

        ErrorReply zero = peer.expectError(ErrorCode.SEQUENCE_GAP);
        assertThat(zero.seq()).isZero();
        assertThat(zero.reason()).isEqualTo("batch seq starts at 1");
        ErrorReply gap = peer.expectError(ErrorCode.SEQUENCE_GAP);
        assertThat(gap.seq()).isEqualTo(2);
        assertThat(gap.reason()).isEqualTo("batch seq 2 is not the next one (last stored: 0)");
        peer.expectAck(MessageType.BATCH, 1, 2);
        assertThat(peer.expectError(ErrorCode.SEQUENCE_GAP).seq()).isEqualTo(3);
        assertThat(peer.isOpen()).as("not fatal").isTrue();
        assertThat(store.rows()).hasSize(2);
    }

    @Test
    void aSecondSessionOfAnAgencyIsAgencyBusyAndTheFirstIsKept() {
        Peer first = agency(1);

        Peer second = connect().ask(Hello.of(1));

        assertThat(second.expectError(ErrorCode.AGENCY_BUSY).ref()).isEqualTo(MessageType.HELLO);
        assertThat(second.closedAfterLastAnswer()).isTrue();
        first.ask(Bets.bet(1, 0));
        first.expectAck(MessageType.BET, 0, 1);
        // Once the first is gone, the agency may come back.
        first.conversation.connectionClosed();
        agency(1);
    }

    @Test
    void aFatalErrorEndsTheSessionSoTheAgencyMayComeBack() {
        Peer first = agency(1);
        first.conversation.idle();
        first.expectError(ErrorCode.IDLE_TIMEOUT);

        agency(1);
    }

    @Test
    void aWinnersQueryOnANewConnectionOfAFinishedAgencyIsAnsweredAfterTheDraw() {
        finish(1);
        Peer later = agency(1).ask(WinnersQuery.INSTANCE);
        later.expectNothingMore();

        finish(2);
        lotteryThread.runAll();

        assertThat(later.next()).isEqualTo(new Winners(true, List.of()));
    }

    @Test
    void aWinnersQueryBeforeTheAgencysFinishIsRefusedAndNotHeld() {
        Peer peer = agency(1).ask(WinnersQuery.INSTANCE, Finish.INSTANCE);

        assertThat(peer.expectError(ErrorCode.FINISH_REQUIRED).ref()).isEqualTo(MessageType.WINNERS_QUERY);
        // Not held: the FINISH behind it is answered at once.
        peer.expectAck(MessageType.FINISH, 0, 0);
        assertThat(peer.isOpen()).isTrue();
    }

    // §6.5: the held winners query

    @Test
    void aWinnersQueryIsHeldUntilTheDrawThenTheRequestsBehindItAreAnsweredInOrder() {
        Peer first = agency(1).ask(new Batch(1, Bets.range(1, 0, 20)), Finish.INSTANCE); // winners: 0, 7, 14
        first.expectAck(MessageType.BATCH, 1, 20);
        first.expectAck(MessageType.FINISH, 0, 20);

        first.ask(WinnersQuery.INSTANCE, Bets.bet(1, 99), Finish.INSTANCE);
        first.conversation.idle();

        first.expectNothingMore();
        assertThat(first.isOpen()).as("idleness does not count while a query is held").isTrue();

        Peer second = agency(2).ask(new Batch(1, Bets.range(2, 0, 8)), Finish.INSTANCE); // winners: 0, 7
        second.expectAck(MessageType.BATCH, 1, 8);
        second.expectAck(MessageType.FINISH, 0, 8);
        first.expectNothingMore(); // the draw is queued behind the last Finish
        lotteryThread.runAll();

        assertThat(first.next()).isEqualTo(new Winners(true, List.of("10000000", "10000007", "10000014")));
        first.expectError(ErrorCode.BET_AFTER_FINISH);
        first.expectAck(MessageType.FINISH, 0, 20);
        // Once drawn, a query is answered at once, with the asking agency's winners only.
        second.ask(WinnersQuery.INSTANCE);
        assertThat(second.next()).isEqualTo(new Winners(true, List.of("20000000", "20000007")));
        assertThat(log.messages()).containsSubsequence("action: sorteo | result: success",
                "action: winners | result: success | agency: 1 | cant_ganadores: 3",
                "action: winners | result: success | agency: 2 | cant_ganadores: 2");
    }

    @Test
    void manyWinnersTravelInSeveralFramesOnlyTheLastMarkedAndNoneGetsAnEmptyOne() {
        int winners = Winners.MAX_PER_FRAME + 10;
        Peer peer = agency(1).ask(new Batch(1, Bets.range(1, 0, winners * 7)), Finish.INSTANCE);
        draw();

        peer.ask(WinnersQuery.INSTANCE);

        peer.expectAck(MessageType.BATCH, 1, winners * 7L);
        peer.expectAck(MessageType.FINISH, 0, winners * 7L);
        Winners full = (Winners) peer.next();
        Winners rest = (Winners) peer.next();
        assertThat(full.last()).isFalse();
        assertThat(full.documents()).hasSize(Winners.MAX_PER_FRAME).startsWith("10000000", "10000007");
        assertThat(rest.last()).isTrue();
        assertThat(rest.documents()).hasSize(10);
        Peer none = agency(2).ask(WinnersQuery.INSTANCE);
        assertThat(none.next()).isEqualTo(new Winners(true, List.of()));
        assertThat(peer.isOpen()).isTrue();
    }

    @Test
    void aHeldQueryWhosePeerClosedIsReleasedAndAtTheDrawNothingIsWrittenOrLoggedAsSuccess() {
        Peer gone = agency(1).ask(Finish.INSTANCE, WinnersQuery.INSTANCE, Bets.bet(1, 3));
        gone.expectAck(MessageType.FINISH, 0, 0);
        assertThat(lottery.waitingCount()).isEqualTo(1);

        gone.conversation.connectionClosed();

        assertThat(lottery.waitingCount()).as("the held query is released").isZero();
        draw();
        gone.expectNothingMore();
        assertThat(log.messages()).noneMatch(line -> line.startsWith("action: winners | result: success"));
        assertThat(log.messages()).contains(
                "action: winners | result: fail | agency: 1 | error: connection closed before the draw");
    }

    @Test
    void aStopAnswersTheHeldQueryWithShuttingDownAndCloses() {
        Peer waiting = agency(1).ask(Finish.INSTANCE, WinnersQuery.INSTANCE, Bets.bet(1, 1));
        waiting.expectAck(MessageType.FINISH, 0, 0);

        lottery.close();

        assertThat(waiting.expectError(ErrorCode.SHUTTING_DOWN).ref()).isEqualTo(MessageType.WINNERS_QUERY);
        waiting.expectNothingMore();
        assertThat(waiting.closedAfterLastAnswer()).isTrue();
        assertThat(log.messages()).contains(
                "action: close_connection | result: success | ip: 10.0.0.7 | code: SHUTTING_DOWN");
    }

    @Test
    void aStoppingServerAnswersEveryNewRequestWithShuttingDownAndCloses() {
        Peer before = agency(1);
        lottery.close();

        Peer fresh = connect().ask(Hello.of(1));
        before.ask(new Batch(5, Bets.range(1, 0, 1)));

        fresh.expectError(ErrorCode.SHUTTING_DOWN);
        assertThat(fresh.closedAfterLastAnswer()).isTrue();
        assertThat(before.expectError(ErrorCode.SHUTTING_DOWN).seq()).isEqualTo(5);
        assertThat(before.closedAfterLastAnswer()).isTrue();
        assertThat(store.rows()).isEmpty();
    }

    @Test
    void aDrawThatFailsAnswersTheHeldQueryWithInternalErrorAndCloses() {
        store.failReads("the disk is gone");
        Peer waiting = agency(1).ask(Finish.INSTANCE, WinnersQuery.INSTANCE);
        waiting.expectAck(MessageType.FINISH, 0, 0);

        finish(2);
        lotteryThread.runAll();

        assertThat(waiting.expectError(ErrorCode.INTERNAL_ERROR).reason())
                .isEqualTo("the draw failed: the disk is gone");
        assertThat(waiting.closedAfterLastAnswer()).isTrue();
    }

    // §6.7: closing

    @Test
    void anIdleConversationIsAnsweredIdleTimeoutAndClosed() {
        Peer peer = agency(1);

        peer.conversation.idle();

        assertThat(peer.expectError(ErrorCode.IDLE_TIMEOUT).ref()).isNull();
        assertThat(peer.closedAfterLastAnswer()).isTrue();
        assertThat(log.messages()).contains(
                "action: close_connection | result: success | ip: 10.0.0.7 | code: IDLE_TIMEOUT");
    }

    @Test
    void afterAHalfCloseEveryRequestIsAnsweredThenTheConnectionCloses() {
        Peer quiet = agency(1);
        quiet.conversation.inputClosed();
        assertThat(quiet.closedAfterLastAnswer()).as("nothing left to answer: closes at once").isTrue();

        Peer answered = agency(2).ask(Bets.bet(2, 1), Finish.INSTANCE);
        answered.conversation.inputClosed();
        answered.expectAck(MessageType.BET, 0, 1);
        answered.expectAck(MessageType.FINISH, 0, 1);
        assertThat(answered.closedAfterLastAnswer()).isTrue();
    }

    @Test
    void aHalfCloseWhileAQueryIsHeldIsTakenForAPeerThatIsGone() {
        Peer waiting = agency(2).ask(Finish.INSTANCE, WinnersQuery.INSTANCE, Bets.bet(2, 1));
        waiting.expectAck(MessageType.FINISH, 0, 0);
        assertThat(waiting.isOpen()).as("the query is held").isTrue();

        waiting.conversation.inputClosed();

        assertThat(waiting.isOpen()).as("a FIN while holding: the peer is gone").isFalse();
        assertThat(log.messages()).contains(
                "action: winners | result: fail | agency: 2 | error: connection closed before the draw");
        finish(1);
        lotteryThread.runAll();
        waiting.expectNothingMore();
    }

    @Test
    void anInternalErrorComesAfterEveryEarlierAnswerAndCloses() {
        Peer peer = agency(1).ask(Bets.bet(1, 0));

        peer.conversation.internalError();
        peer.ask(Bets.bet(1, 1));

        peer.expectAck(MessageType.BET, 0, 1);
        peer.expectError(ErrorCode.INTERNAL_ERROR);
        peer.expectNothingMore();
        assertThat(peer.closedAfterLastAnswer()).isTrue();
        assertThat(store.rows()).hasSize(1);
    }

    @Test
    void anInternalErrorWhileAQueryIsHeldReleasesIt() {
        Peer peer = agency(1).ask(Finish.INSTANCE, WinnersQuery.INSTANCE);

        peer.conversation.internalError();

        peer.expectAck(MessageType.FINISH, 0, 0);
        peer.expectError(ErrorCode.INTERNAL_ERROR);
        assertThat(lottery.waitingCount()).isZero();
        draw();
        peer.expectNothingMore();
    }
}

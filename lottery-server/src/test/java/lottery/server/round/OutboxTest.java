package lottery.server.round;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import lottery.protocol.message.Ack;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import org.junit.jupiter.api.Test;

/** The ordered answers of one connection: nothing overtakes an Ack that waits for durability, not even the close. */
class OutboxTest {
    private static final Ack BET = new Ack(MessageType.BET, 0, 1);
    private static final Ack BATCH = new Ack(MessageType.BATCH, 1, 5);
    private static final Winners NONE = new Winners(true, List.of());
    private static final ErrorReply GAP = ErrorReply.of(ErrorCode.SEQUENCE_GAP, MessageType.BATCH, 3, "gap");
    private static final ErrorReply FORCE_FAILED =
            ErrorReply.of(ErrorCode.INTERNAL_ERROR, MessageType.BATCH, 1, "cannot force the bets to the disk: EIO");

    /** The connection: what was sent, and "close" where it closed. */
    private final List<Object> wire = new ArrayList<>();
    private final Outbox outbox = new Outbox(new Replies() {
        @Override
        public void send(LotteryMessage message) {
            wire.add(message);
        }

        @Override
        public void close() {
            wire.add("close");
        }
    });

    @Test
    void whileNothingWaitsAnswersAndTheCloseGoOutAtOnce() {
        outbox.send(GAP);
        outbox.send(NONE);
        outbox.close();

        assertThat(wire).containsExactly(GAP, NONE, "close");
    }

    @Test
    void everythingBehindAWaitingAnswerWaitsForItThenLeavesInOrder() {
        Outbox.Durable bet = outbox.sendWhenDurable(BET);
        outbox.send(GAP);
        outbox.close();
        assertThat(wire).isEmpty();
        assertThat(outbox.flush()).as("still waiting").isNull();
        assertThat(wire).isEmpty();

        bet.complete(BET);

        assertThat(outbox.flush()).isNull();
        assertThat(wire).containsExactly(BET, GAP, "close");
    }

    @Test
    void aLaterAnswerThatIsDurableFirstStillWaitsForTheEarlierOne() {
        Outbox.Durable first = outbox.sendWhenDurable(BET);
        Outbox.Durable second = outbox.sendWhenDurable(BATCH);
        outbox.send(NONE);

        second.complete(BATCH);
        outbox.flush();
        assertThat(wire).isEmpty();

        first.complete(BET);
        outbox.flush();
        assertThat(wire).containsExactly(BET, BATCH, NONE);

        outbox.send(GAP);
        assertThat(wire).as("nothing waits any more: at once").endsWith(GAP);
    }

    @Test
    void anErrorInPlaceOfAnAckIsSentAndReturnedAndNothingBehindItLeaves() {
        Outbox.Durable batch = outbox.sendWhenDurable(BATCH);
        outbox.send(NONE);
        batch.complete(FORCE_FAILED);

        assertThat(outbox.flush()).isEqualTo(FORCE_FAILED);
        assertThat(wire).containsExactly(FORCE_FAILED);

        outbox.abort();
        assertThat(wire).containsExactly(FORCE_FAILED, "close");
        outbox.send(GAP);
        assertThat(wire).as("an aborted outbox holds nothing: a later send goes straight out").endsWith(GAP);
    }

    @Test
    void whatIsBehindTheCloseIsDropped() {
        Outbox.Durable bet = outbox.sendWhenDurable(BET);
        outbox.close();
        outbox.send(NONE);
        bet.complete(BET);

        outbox.flush();

        assertThat(wire).containsExactly(BET, "close");
    }

    @Test
    void discardDropsEverythingWithoutClosing() {
        Outbox.Durable bet = outbox.sendWhenDurable(BET);
        outbox.send(NONE);
        outbox.close();

        outbox.discard();
        bet.complete(BET);

        assertThat(outbox.flush()).isNull();
        assertThat(wire).isEmpty();
    }
}

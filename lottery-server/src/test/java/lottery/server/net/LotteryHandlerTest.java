package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import lottery.protocol.codec.LotteryPipeline;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;
import lottery.server.round.DrawCoordinator;
import lottery.server.round.LotteryThread;
import lottery.server.store.BetStore;
import lottery.server.store.StoredBet;
import lottery.server.support.Bets;
import lottery.server.support.Frames;
import lottery.server.support.MemoryBetStore;
import lottery.server.support.TaskQueue;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The network side of a lottery connection on an {@link EmbeddedChannel}: the production pipeline, with a
 * {@link TaskQueue} as the lottery thread, so the test decides when the requests run relative to what happens on
 * the event loop (the embedded channel runs everything on the test's thread).
 */
class LotteryHandlerTest {
    private final TaskQueue lotteryThread = new TaskQueue();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private DrawCoordinator lottery = new DrawCoordinator(new MemoryBetStore(), 2, lotteryThread);
    private LogCapture log;

    @BeforeEach
    void captureLog() {
        // The lines asserted here are rate-limited; earlier tests in this JVM must not have used them up.
        LogLimits.reset();
        log = LogCapture.open();
    }

    @AfterEach
    void finishChannels() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
        log.close();
    }

    /** A lottery connection: frame codec, message codec, handler, exception handler, as the server installs them. */
    private EmbeddedChannel connection() {
        EmbeddedChannel channel = new EmbeddedChannel();
        LotteryPipeline.addLast(channel.pipeline())
                .addLast(new LotteryHandler(lottery, lotteryThread))
                .addLast(ExceptionHandler.INSTANCE);
        channels.add(channel);
        return channel;
    }

    private static void receive(EmbeddedChannel channel, LotteryMessage... requests) {
        for (LotteryMessage request : requests) {
            channel.writeInbound(Unpooled.wrappedBuffer(Frames.of(request)));
        }
    }

    /** Everything the server wrote so far, decoded as an agency would decode it. */
    private static List<LotteryMessage> written(EmbeddedChannel channel) {
        EmbeddedChannel agency = new EmbeddedChannel();
        LotteryPipeline.addLast(agency.pipeline());
        for (Object out; (out = channel.readOutbound()) != null; ) {
            agency.writeInbound(out);
        }
        List<LotteryMessage> answers = new ArrayList<>();
        for (Object in; (in = agency.readInbound()) != null; ) {
            answers.add((LotteryMessage) in);
        }
        agency.finishAndReleaseAll();
        return answers;
    }

    /** An ErrorReply of {@code code}, whatever its ref and reason. */
    private static Consumer<LotteryMessage> isError(ErrorCode code) {
        return answer -> {
            assertThat(answer).isInstanceOf(ErrorReply.class);
            assertThat(((ErrorReply) answer).code()).isEqualTo(code);
        };
    }

    @Test
    void anUnexpectedFailureIsAnsweredAfterTheAnswersBeforeItNeverAheadOfThem() {
        EmbeddedChannel channel = connection();
        receive(channel, Hello.of(1), Bets.bet(1, 0));

        // Raised on the event loop while both requests still wait for the lottery thread.
        channel.pipeline().fireExceptionCaught(new IllegalStateException("a bug"));

        assertThat(written(channel)).as("nothing may be written ahead of the pending answers").isEmpty();
        lotteryThread.runAll();
        channel.runPendingTasks();

        List<LotteryMessage> answers = written(channel);
        assertThat(answers).hasSize(3);
        assertThat(answers.get(0)).isEqualTo(new Ack(MessageType.HELLO, 0, 0));
        assertThat(answers.get(1)).isEqualTo(new Ack(MessageType.BET, 0, 1));
        assertThat(answers.get(2)).satisfies(isError(ErrorCode.INTERNAL_ERROR));
        assertThat(channel.isOpen()).isFalse();
        assertThat(log.messages()).contains(
                "action: connection_error | result: fail | ip: embedded"
                        + " | error: java.lang.IllegalStateException: a bug");
    }

    @Test
    void aBugWhileProcessingARequestIsAnsweredWithInternalErrorInOrder() {
        lottery = new DrawCoordinator(new BetStore() {
            @Override
            public void append(int agency, List<Bet> bets) {
                throw new IllegalStateException("bug | in the store");
            }

            @Override
            public void forEach(Consumer<? super StoredBet> action) {
            }

            @Override
            public void close() {
            }
        }, 1, lotteryThread);
        EmbeddedChannel channel = connection();
        receive(channel, Hello.of(1), Bets.bet(1, 0), Bets.bet(1, 1));

        lotteryThread.runAll();
        channel.runPendingTasks();

        List<LotteryMessage> answers = written(channel);
        assertThat(answers).hasSize(2);
        assertThat(answers.get(0)).isEqualTo(new Ack(MessageType.HELLO, 0, 0));
        assertThat(answers.get(1)).satisfies(isError(ErrorCode.INTERNAL_ERROR));
        assertThat(channel.isOpen()).isFalse();
        assertThat(log.messages()).contains("action: lottery_request | result: fail | ip: embedded"
                + " | error: java.lang.IllegalStateException: bug / in the store");
    }

    @Test
    void aHeldQueryWhosePeerClosedIsNeitherWrittenNorLoggedAsAnsweredAtTheDraw() {
        EmbeddedChannel gone = connection();
        receive(gone, Hello.of(1), Finish.INSTANCE, WinnersQuery.INSTANCE);
        lotteryThread.runAll();
        assertThat(written(gone)).containsExactly(new Ack(MessageType.HELLO, 0, 0), new Ack(MessageType.FINISH, 0, 0));

        gone.close();
        EmbeddedChannel last = connection();
        receive(last, Hello.of(2), Finish.INSTANCE, WinnersQuery.INSTANCE);
        lotteryThread.runAll();
        last.runPendingTasks();
        gone.runPendingTasks();

        assertThat(written(last)).containsExactly(new Ack(MessageType.HELLO, 0, 0), new Ack(MessageType.FINISH, 0, 0),
                new Winners(true, List.of()));
        assertThat(written(gone)).isEmpty();
        assertThat(log.messages()).contains("action: sorteo | result: success",
                "action: winners | result: success | agency: 2 | cant_ganadores: 0",
                "action: winners | result: fail | agency: 1 | error: connection closed before the draw");
        assertThat(log.messages()).doesNotContain("action: winners | result: success | agency: 1 | cant_ganadores: 0");
    }

    @Test
    void idlenessIsNotTimedOutWhileARequestIsStillOnItsWay() {
        EmbeddedChannel channel = connection();
        receive(channel, Hello.of(1));
        lotteryThread.runAll();
        assertThat(written(channel)).containsExactly(new Ack(MessageType.HELLO, 0, 0));

        // The idle event fires, but a request arrives before the lottery thread gets to it.
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        receive(channel, Bets.bet(1, 0));
        lotteryThread.runAll();

        assertThat(written(channel)).containsExactly(new Ack(MessageType.BET, 0, 1));
        assertThat(channel.isOpen()).isTrue();

        channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        lotteryThread.runAll();
        channel.runPendingTasks();

        assertThat(written(channel)).singleElement().satisfies(isError(ErrorCode.IDLE_TIMEOUT));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void readingStopsAtTheHighWaterMarkOfUnansweredRequestsAndResumesAtTheLowOne() {
        EmbeddedChannel channel = connection();
        receive(channel, Hello.of(1), Finish.INSTANCE, WinnersQuery.INSTANCE);
        lotteryThread.runAll();
        // The query is held: it and the requests behind it are unanswered.
        for (int i = 0; i < ReadThrottle.HIGH_WATER - 2; i++) {
            receive(channel, Bets.bet(1, i));
        }
        assertThat(channel.config().isAutoRead()).as("31 unanswered").isTrue();

        receive(channel, Bets.bet(1, 99));
        lotteryThread.runAll();

        assertThat(channel.config().isAutoRead()).as("32 unanswered, though the lottery thread is idle").isFalse();
        EmbeddedChannel last = connection();
        receive(last, Hello.of(2), Finish.INSTANCE);
        lotteryThread.runAll();
        channel.runPendingTasks();

        assertThat(channel.config().isAutoRead()).as("all answered").isTrue();
        List<LotteryMessage> answers = written(channel);
        assertThat(answers).hasSize(2 + 1 + ReadThrottle.HIGH_WATER - 1);
        assertThat(answers.get(2)).isEqualTo(new Winners(true, List.of()));
        assertThat(answers.subList(3, answers.size())).allSatisfy(isError(ErrorCode.BET_AFTER_FINISH));
    }

    @Test
    void aStoppedLotteryThreadClosesTheConnection() {
        lottery = new DrawCoordinator(new MemoryBetStore(), 1, lotteryThread);
        EmbeddedChannel channel = new EmbeddedChannel();
        LotteryPipeline.addLast(channel.pipeline())
                .addLast(new LotteryHandler(lottery, new LotteryThread() {
                    @Override
                    public void execute(Runnable task) {
                        throw new RejectedExecutionException("stopped");
                    }

                    @Override
                    public boolean inThread() {
                        return lotteryThread.inThread();
                    }
                }))
                .addLast(ExceptionHandler.INSTANCE);
        channels.add(channel);

        receive(channel, Hello.of(1));

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anIoErrorOnlyClosesTheConnectionQuietly() {
        EmbeddedChannel channel = connection();

        channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

        assertThat(channel.isOpen()).isFalse();
        assertThat(lotteryThread.size()).as("only the close is handed over").isEqualTo(1);
        assertThat(log.messages()).contains(
                "action: close_connection | result: success | ip: embedded | reason: Connection reset by peer");
    }
}

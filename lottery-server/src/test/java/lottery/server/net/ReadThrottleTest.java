package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import lottery.protocol.message.Ack;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a lottery connection is read: the water marks of unanswered requests, and an answer racing a pause. */
class ReadThrottleTest {
    private static final Ack ANSWER = new Ack(MessageType.BET, 0, 1);

    /**
     * An embedded channel that can run a step of "the lottery thread" just before reading is paused: after the event
     * loop has decided to pause, before auto-read is off.
     */
    private static final class RacyChannel extends EmbeddedChannel {
        private ChannelConfig racyConfig;
        private Runnable beforeNextPause;

        @Override
        public ChannelConfig config() {
            if (racyConfig == null) {
                // Lazily: the superclass constructor already asks for it.
                racyConfig = new DefaultChannelConfig(this) {
                    @Override
                    public ChannelConfig setAutoRead(boolean autoRead) {
                        Runnable step = beforeNextPause;
                        if (!autoRead && step != null) {
                            beforeNextPause = null;
                            step.run();
                        }
                        return super.setAutoRead(autoRead);
                    }
                };
            }
            return racyConfig;
        }
    }

    private final RacyChannel channel = new RacyChannel();
    private final ReadThrottle throttle = new ReadThrottle(channel);

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    private void requests(int count) {
        for (int i = 0; i < count; i++) {
            throttle.requestIn();
        }
    }

    private void answers(int count) {
        for (int i = 0; i < count; i++) {
            throttle.replied(ANSWER);
        }
    }

    @Test
    void readingStopsAtTheHighWaterMarkAndResumesAtTheLowOne() {
        requests(ReadThrottle.HIGH_WATER - 1);
        assertThat(channel.config().isAutoRead()).isTrue();

        requests(1);
        assertThat(channel.config().isAutoRead()).isFalse();

        answers(ReadThrottle.HIGH_WATER - ReadThrottle.LOW_WATER - 1);
        assertThat(channel.config().isAutoRead()).as("%d unanswered", ReadThrottle.LOW_WATER + 1).isFalse();

        answers(1);
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(throttle.allAnswered()).isFalse();
        answers(ReadThrottle.LOW_WATER);
        assertThat(throttle.allAnswered()).isTrue();
    }

    @Test
    void aWinnersFrameWithMoreToFollowDoesNotEndAnAnswer() {
        requests(1);

        throttle.replied(new Winners(false, List.of("1")));
        assertThat(throttle.allAnswered()).isFalse();

        throttle.replied(new Winners(true, List.of("2")));
        assertThat(throttle.allAnswered()).isTrue();
    }

    @Test
    void answersThatArriveBetweenTheCheckAndThePauseDoNotLeaveTheConnectionUnread() {
        requests(ReadThrottle.HIGH_WATER - 1);
        // The next request reaches the high-water mark. The event loop has decided to pause when the lottery thread
        // answers every request; seeing auto-read still on, it asks for no update.
        channel.beforeNextPause = () -> answers(ReadThrottle.HIGH_WATER);

        requests(1);

        assertThat(throttle.allAnswered()).isTrue();
        assertThat(channel.config().isAutoRead()).as("nothing is left to answer, so the connection is read").isTrue();
    }

    @Test
    void readingStopsWhileTheAnswersCannotBeWritten() {
        Channel unwritable = new EmbeddedChannel() {
            @Override
            public boolean isWritable() {
                return false;
            }
        };
        try {
            ReadThrottle blocked = new ReadThrottle(unwritable);

            blocked.update();

            assertThat(unwritable.config().isAutoRead()).isFalse();
        } finally {
            ((EmbeddedChannel) unwritable).finishAndReleaseAll();
        }
    }
}

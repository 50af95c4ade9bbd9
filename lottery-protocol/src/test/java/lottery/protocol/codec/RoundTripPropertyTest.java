package lottery.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Hello;
import lottery.protocol.message.Limits;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.Winners;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * decode(encode(m)) == m for thousands of generated messages (three fixed seeds, 1500 each), and every frame obeys
 * the framing rules. The test also counts what it generated, so a generator that stopped producing emoji or
 * 255-byte names would fail here rather than weaken the property unnoticed.
 */
class RoundTripPropertyTest {
    private static final int CASES_PER_SEED = 1500;
    private static final int MAX_BATCH = 64;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7574, 20_260_418})
    void everyGeneratedMessageSurvivesTheCodec(long seed) {
        MessageGenerator generator = new MessageGenerator(seed);
        Coverage coverage = new Coverage();
        try (CodecChannel codec = CodecChannel.untracked()) {
            for (int i = 0; i < CASES_PER_SEED; i++) {
                LotteryMessage msg = generator.message(MAX_BATCH);
                byte[] frame = codec.encode(msg);

                assertThat(frame.length).isLessThanOrEqualTo(Limits.MAX_FRAME_BYTES);
                assertThat(frame[0]).isZero();
                assertThat(frame.length - Limits.LENGTH_FIELD_BYTES).isEqualTo(lengthPrefix(frame));
                assertThat(frame.length).isEqualTo(expectedFrameBytes(msg));
                assertThat(codec.decode(frame)).as("case %d: %s", i, msg).containsExactly(msg);
                coverage.add(msg);
            }
        }
        coverage.assertBroad();
    }

    /** Frame sizes the protocol promises, computed from the spec's arithmetic rather than by the encoder. */
    private static int expectedFrameBytes(LotteryMessage msg) {
        return switch (msg.type()) {
            case HELLO -> 4 + 1 + 4 + 1 + 2 + 1 + utf8(((Hello) msg).secret());
            case BET -> 4 + 1 + Wire.betSize((Bet) msg);
            case BATCH -> Wire.BATCH_OVERHEAD + ((Batch) msg).bets().stream().mapToInt(Wire::betSize).sum();
            case FINISH, WINNERS_QUERY -> 5;
            case ACK -> 4 + 1 + 1 + 4 + 4;
            case ERROR -> 4 + 1 + 2 + 1 + 4 + 1 + utf8(((ErrorReply) msg).reason());
            case WINNERS -> 4 + 1 + 1 + 2
                    + ((Winners) msg).documents().stream().mapToInt(d -> 1 + d.length()).sum();
        };
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int lengthPrefix(byte[] frame) {
        return ((frame[0] & 0xFF) << 24) | ((frame[1] & 0xFF) << 16) | ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
    }

    /** What the generated bets' names contained. */
    private static final class Coverage {
        private int bets;
        private int twoByte;
        private int threeByte;
        private int surrogatePairs;
        private int fullNames;
        private int batches;
        private int fullSecrets;

        void add(LotteryMessage msg) {
            if (msg instanceof Bet bet) {
                addBet(bet);
            } else if (msg instanceof Batch batch) {
                batches++;
                batch.bets().forEach(this::addBet);
            } else if (msg instanceof Hello hello && utf8(hello.secret()) == Limits.MAX_STRING_BYTES) {
                fullSecrets++;
            }
        }

        private void addBet(Bet bet) {
            bets++;
            for (String name : new String[] {bet.firstName(), bet.lastName()}) {
                twoByte += name.codePoints().anyMatch(cp -> MessageGenerator.utf8Length(cp) == 2) ? 1 : 0;
                threeByte += name.codePoints().anyMatch(cp -> MessageGenerator.utf8Length(cp) == 3) ? 1 : 0;
                surrogatePairs += name.codePoints().anyMatch(Character::isSupplementaryCodePoint) ? 1 : 0;
                fullNames += utf8(name) == Limits.MAX_STRING_BYTES ? 1 : 0;
            }
        }

        void assertBroad() {
            assertThat(bets).isGreaterThan(1000);
            assertThat(batches).isGreaterThan(100);
            assertThat(twoByte).isGreaterThan(100);
            assertThat(threeByte).isGreaterThan(100);
            assertThat(surrogatePairs).isGreaterThan(100);
            assertThat(fullNames).isGreaterThan(100);
            assertThat(fullSecrets).isGreaterThan(10);
        }
    }
}

package lottery.protocol.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import lottery.protocol.message.Limits;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link Wire#read} on one frame body of a known type, without the channel: the
 * cheapest target, so the fuzzer spends its executions on the body layouts of §3 rather than on framing. The
 * invariants are {@link CodecOracle}'s (only ProtocolException, with the frame's type as ref; canonical round trip).
 *
 * <p>Input layout: byte 0 modulo 8 picks the type ({@link MessageType#values()} order: HELLO, BET, BATCH, FINISH,
 * WINNERS_QUERY, ACK, ERROR, WINNERS), the rest is the body. Seeds: {@code WireFuzzTestInputs/body/}, one golden
 * body per type and some malformed ones ({@link FuzzSeeds}).
 */
class WireFuzzTest {
    private static final MessageType[] TYPES = MessageType.values();

    @FuzzTest(maxDuration = "5m")
    void body(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] frame = input.clone();
        frame[0] = (byte) TYPES[(input[0] & 0xFF) % TYPES.length].opcode();
        if (frame.length > Limits.MAX_FRAME_LENGTH) {
            return; // the frame decoder never delivers a longer frame, and the encoder refuses one
        }
        ByteBuf in = CodecOracle.allocator().buffer(frame.length).writeBytes(frame);
        LotteryMessage message;
        try {
            message = Wire.read(in);
        } catch (ProtocolException e) {
            CodecOracle.checkError(e, frame);
            return;
        } finally {
            in.release();
        }
        CodecOracle.checkRoundTrip(message, frame);
    }

    /** The input that selects {@code type} with body {@code body}. */
    static byte[] input(MessageType type, byte[] body) {
        return Hex.concat(new byte[] {(byte) type.ordinal()}, body);
    }
}

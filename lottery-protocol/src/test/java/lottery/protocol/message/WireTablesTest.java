package lottery.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The numbers on the wire are a contract: these tables are copied from docs/PROTOCOL.md (§3 message types, §7 error
 * codes), and the enums must match them exactly. Renumbering breaks every deployed peer.
 */
class WireTablesTest {

    @Test
    void messageTypesHaveTheDocumentedOpcodesAndDirections() {
        Map<MessageType, Integer> opcodes = new LinkedHashMap<>();
        opcodes.put(MessageType.HELLO, 0x01);
        opcodes.put(MessageType.BET, 0x02);
        opcodes.put(MessageType.BATCH, 0x03);
        opcodes.put(MessageType.FINISH, 0x04);
        opcodes.put(MessageType.WINNERS_QUERY, 0x05);
        opcodes.put(MessageType.ACK, 0x81);
        opcodes.put(MessageType.ERROR, 0x82);
        opcodes.put(MessageType.WINNERS, 0x83);
        assertThat(MessageType.values()).containsExactlyElementsOf(opcodes.keySet());
        opcodes.forEach((type, opcode) -> {
            assertThat(type.opcode()).as("%s", type).isEqualTo(opcode);
            assertThat(MessageType.fromOpcode(opcode)).isEqualTo(type);
            // The high bit tells the direction.
            assertThat(type.direction()).isEqualTo(opcode < 0x80
                    ? MessageType.Direction.TO_SERVER : MessageType.Direction.TO_CLIENT);
        });
        long known = IntStream.range(-1, 257).filter(o -> MessageType.fromOpcode(o) != null).count();
        assertThat(known).isEqualTo(opcodes.size());
    }

    /** code, closes the connection. */
    private record Row(int code, boolean closes) {
    }

    @Test
    void errorCodesMatchTheSpecTable() {
        Map<ErrorCode, Row> table = new LinkedHashMap<>();
        table.put(ErrorCode.MALFORMED_FRAME, new Row(1, true));
        table.put(ErrorCode.FRAME_TOO_LARGE, new Row(2, true));
        table.put(ErrorCode.UNKNOWN_TYPE, new Row(3, true));
        table.put(ErrorCode.HANDSHAKE_REQUIRED, new Row(4, true));
        table.put(ErrorCode.BAD_MAGIC, new Row(5, true));
        table.put(ErrorCode.UNSUPPORTED_VERSION, new Row(6, true));
        table.put(ErrorCode.UNKNOWN_AGENCY, new Row(7, true));
        table.put(ErrorCode.UNEXPECTED_MESSAGE, new Row(8, true));
        table.put(ErrorCode.AUTHENTICATION_FAILED, new Row(9, true));
        table.put(ErrorCode.INVALID_BET, new Row(10, false));
        table.put(ErrorCode.BET_AFTER_FINISH, new Row(11, false));
        table.put(ErrorCode.ALREADY_FINISHED, new Row(12, false));
        table.put(ErrorCode.FINISH_REQUIRED, new Row(13, false));
        table.put(ErrorCode.AGENCY_BUSY, new Row(14, true));
        table.put(ErrorCode.SEQUENCE_GAP, new Row(15, false));
        table.put(ErrorCode.HANDSHAKE_TIMEOUT, new Row(16, true));
        table.put(ErrorCode.STORAGE_FAILURE, new Row(20, false));
        table.put(ErrorCode.SHUTTING_DOWN, new Row(21, true));
        table.put(ErrorCode.IDLE_TIMEOUT, new Row(22, true));
        table.put(ErrorCode.TOO_MANY_CONNECTIONS, new Row(23, true));
        table.put(ErrorCode.TLS_REQUIRED, new Row(25, true));
        table.put(ErrorCode.INTERNAL_ERROR, new Row(99, true));

        assertThat(ErrorCode.values()).containsExactlyElementsOf(table.keySet());
        table.forEach((code, row) -> {
            assertThat(code.code()).as("%s", code).isEqualTo(row.code());
            assertThat(code.closesConnection()).as("%s closes the connection", code).isEqualTo(row.closes());
            assertThat(ErrorCode.fromCode(row.code())).isEqualTo(code);
        });
        assertThat(Arrays.stream(new int[] {0, 17, 19, 26, 98, 100, 0xFFFF}).mapToObj(ErrorCode::fromCode))
                .containsOnlyNulls();
    }

    /**
     * The client and the load generator reconnect after these and fail after any other (§7, "Retryable errors").
     * Each of them also closes the connection: the reconnect is the way on, not a resend on the same connection.
     */
    @Test
    void theRetryableCodesAreTheServersRefusalsOfTheMoment() {
        assertThat(Arrays.stream(ErrorCode.values()).filter(ErrorCode::isRetryable))
                .containsExactlyInAnyOrder(ErrorCode.AGENCY_BUSY, ErrorCode.HANDSHAKE_TIMEOUT, ErrorCode.SHUTTING_DOWN,
                        ErrorCode.IDLE_TIMEOUT, ErrorCode.TOO_MANY_CONNECTIONS)
                .allMatch(ErrorCode::closesConnection);
    }

    @Test
    void limitsAreTheDocumentedOnes() {
        assertThat(Limits.MAX_FRAME_BYTES).isEqualTo(8192);
        assertThat(Limits.LENGTH_FIELD_BYTES).isEqualTo(4);
        assertThat(Limits.MAX_FRAME_LENGTH).isEqualTo(8188);
        assertThat(Limits.MAX_STRING_BYTES).isEqualTo(255);
        assertThat(Limits.MAX_DOCUMENT_DIGITS).isEqualTo(20);
        assertThat(Limits.MAX_NUMBER).isEqualTo(9999);
    }
}

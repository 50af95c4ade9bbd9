package lottery.protocol.message;

/**
 * The one-byte message type that follows the length of every frame. Client-to-server types have the high bit clear,
 * server-to-client types have it set. The opcode, never {@link #ordinal()}, goes on the wire.
 */
public enum MessageType {
    HELLO(0x01, Direction.TO_SERVER),
    BET(0x02, Direction.TO_SERVER),
    BATCH(0x03, Direction.TO_SERVER),
    FINISH(0x04, Direction.TO_SERVER),
    WINNERS_QUERY(0x05, Direction.TO_SERVER),
    ACK(0x81, Direction.TO_CLIENT),
    ERROR(0x82, Direction.TO_CLIENT),
    WINNERS(0x83, Direction.TO_CLIENT);

    /** Who sends a message of a type. */
    public enum Direction { TO_SERVER, TO_CLIENT }

    private static final MessageType[] BY_OPCODE = new MessageType[256];

    static {
        for (MessageType type : values()) {
            if (BY_OPCODE[type.opcode] != null) {
                throw new AssertionError("duplicate opcode " + type.opcode);
            }
            BY_OPCODE[type.opcode] = type;
        }
    }

    private final int opcode;
    private final Direction direction;

    MessageType(int opcode, Direction direction) {
        this.opcode = opcode;
        this.direction = direction;
    }

    public int opcode() {
        return opcode;
    }

    public Direction direction() {
        return direction;
    }

    /** The type with this opcode, or {@code null} when no type has it (the codec turns that into UNKNOWN_TYPE). */
    public static MessageType fromOpcode(int opcode) {
        return opcode >= 0 && opcode < BY_OPCODE.length ? BY_OPCODE[opcode] : null;
    }
}

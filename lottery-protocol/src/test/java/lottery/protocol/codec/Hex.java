package lottery.protocol.codec;

import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Byte-array helpers for hand-written frames. */
final class Hex {
    private Hex() {
    }

    /** Joins hex fields (whitespace ignored) into bytes, e.g. {@code hex("0000 0001", "04")}. */
    static byte[] hex(String... fields) {
        return ByteBufUtil.decodeHexDump(String.join("", fields).replaceAll("\\s", ""));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A frame around {@code typeAndBody}: the u32 big-endian length prefix, then the bytes. */
    static byte[] frame(byte[] typeAndBody) {
        int n = typeAndBody.length;
        return concat(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n}, typeAndBody);
    }

    /** The type byte and body of a whole frame: {@code frame} without its 4-byte length prefix. */
    static byte[] unframe(byte[] frame) {
        return Arrays.copyOfRange(frame, 4, frame.length);
    }

    static String dump(byte[] bytes) {
        return ByteBufUtil.hexDump(bytes);
    }
}

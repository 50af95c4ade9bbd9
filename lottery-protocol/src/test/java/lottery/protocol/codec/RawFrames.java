package lottery.protocol.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Builds frames field by field, including ones the encoder would never produce (bad UTF-8, impossible dates, wrong
 * counts), for the bad-input tests.
 */
final class RawFrames {
    static final int BET = 0x02;
    static final int BATCH = 0x03;

    private RawFrames() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A str8: one length byte, then the bytes. */
    static byte[] str8(byte[] bytes) {
        return Hex.concat(new byte[] {(byte) bytes.length}, bytes);
    }

    /** A bet body: three str8 fields, year u16, month u8, day u8, number u16; values are not checked. */
    static byte[] bet(byte[] firstName, byte[] lastName, byte[] document, int year, int month, int day, int number) {
        ByteBuffer tail = ByteBuffer.allocate(6).putShort((short) year).put((byte) month).put((byte) day)
                .putShort((short) number);
        return Hex.concat(str8(firstName), str8(lastName), str8(document), tail.array());
    }

    /** The golden BET's bet ("Nicolás", "Saldaña", "30904465", 1999-03-17, 7574). */
    static byte[] goldenBet() {
        return bet(utf8("Nicolás"), utf8("Saldaña"), utf8("30904465"), 1999, 3, 17, 7574);
    }

    static byte[] betFrame(byte[] bet) {
        return Hex.frame(Hex.concat(new byte[] {BET}, bet));
    }

    /** A BATCH frame announcing {@code count} bets, holding whatever bets are given. */
    static byte[] batchFrame(long seq, int count, byte[]... bets) {
        ByteBuffer header = ByteBuffer.allocate(7).put((byte) BATCH).putInt((int) seq).putShort((short) count);
        return Hex.frame(Hex.concat(header.array(), Hex.concat(bets)));
    }

    /** A prefix announcing {@code length} bytes of type + body, with nothing after it. */
    static byte[] lengthPrefix(long length) {
        return ByteBuffer.allocate(4).putInt((int) length).array();
    }
}

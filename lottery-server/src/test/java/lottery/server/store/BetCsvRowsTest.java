package lottery.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import lottery.protocol.codec.Wire;
import lottery.protocol.message.Batch;
import lottery.protocol.message.BatchBytes;
import lottery.protocol.message.Bet;
import org.junit.jupiter.api.Test;

/**
 * {@link BetCsv.Rows} encodes rows to UTF-8 bytes itself, character by character; these tests hold it to the bytes
 * of the text formatting it replaced ({@link #reference}: a StringBuilder row, then {@code getBytes(UTF_8)}), which
 * PythonCsvCompatibilityTest holds to Python's csv module.
 */
class BetCsvRowsTest {

    @Test
    void writesTheClassCommentsExample() {
        Bet bet = new Bet("María \"Mery\"", "Saldaña, Jr", "30904465", LocalDate.of(1999, 3, 17), 7574);

        assertThat(encode(3, List.of(bet)))
                .isEqualTo("3,\"María \"\"Mery\"\"\",\"Saldaña, Jr\",30904465,1999-03-17,7574\r\n");
    }

    @Test
    void encodesTwoThreeAndFourByteCharactersAsUtf8() {
        Bet bet = new Bet("ñ€😀", "a\"😀\"", "1", LocalDate.of(1, 2, 3), 0);

        byte[] bytes = bytes(new BetCsv.Rows().encode(65535, List.of(bet)));

        assertThat(bytes).isEqualTo(concat("65535,".getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0xC3, (byte) 0xB1, (byte) 0xE2, (byte) 0x82, (byte) 0xAC,
                    (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80},
                ",\"a\"\"".getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80},
                "\"\"\",1,0001-02-03,0\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void padsSmallYearsAndWritesTheEdgesOfEveryNumber() {
        List<Bet> bets = List.of(new Bet("A", "B", "0", LocalDate.of(1, 1, 1), 0),
                new Bet("A", "B", "12345678901234567890", LocalDate.of(999, 12, 31), 9999),
                new Bet("A", "B", "7", LocalDate.of(9999, 10, 9), 10));

        assertThat(encode(0, bets)).isEqualTo("0,A,B,0,0001-01-01,0\r\n"
                + "0,A,B,12345678901234567890,0999-12-31,9999\r\n" + "0,A,B,7,9999-10-09,10\r\n");
        assertThat(reference(0, bets)).isEqualTo(encode(0, bets).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void matchesTheTextFormattingOnRandomBets() {
        SplittableRandom random = new SplittableRandom(1201);
        BetCsv.Rows rows = new BetCsv.Rows();
        for (int batch = 0; batch < 300; batch++) {
            int agency = random.nextInt(0, 65536);
            List<Bet> bets = new ArrayList<>();
            for (int i = random.nextInt(1, 40); i > 0; i--) {
                bets.add(randomBet(random));
            }
            assertThat(bytes(rows.encode(agency, bets))).as("batch %d", batch).isEqualTo(reference(agency, bets));
        }
    }

    @Test
    void growsPastItsFirstArrayAndForgetsTheBatchBefore() {
        BetCsv.Rows rows = new BetCsv.Rows();
        String longName = "\"ñ, ".repeat(51); // 255 bytes of UTF-8, quoted, with doubled quotes
        List<Bet> big = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            big.add(new Bet(longName, longName, Integer.toString(i), LocalDate.of(2000, 1, 1), i));
        }
        List<Bet> small = List.of(new Bet("Ana", "Sosa", "1", LocalDate.of(2001, 2, 3), 4));

        byte[] first = bytes(rows.encode(9, big));
        byte[] second = bytes(rows.encode(9, small));

        assertThat(first.length).isGreaterThan(100_000);
        assertThat(first).isEqualTo(reference(9, big));
        assertThat(second).isEqualTo("9,Ana,Sosa,1,2001-02-03,4\r\n".getBytes(StandardCharsets.UTF_8));
    }

    /** The server's path: rows straight from a batch's wire bytes are the same bytes as rows from its bets. */
    @Test
    void rowsFromTheWireBytesAreTheRowsOfTheBets() {
        SplittableRandom random = new SplittableRandom(2207);
        BetCsv.Rows rows = new BetCsv.Rows();
        Bet example = new Bet("María \"Mery\"", "Saldaña, Jr", "30904465", LocalDate.of(1999, 3, 17), 7574);
        assertThat(new String(bytes(rows.encode(3, wire(List.of(example)))), StandardCharsets.UTF_8))
                .isEqualTo("3,\"María \"\"Mery\"\"\",\"Saldaña, Jr\",30904465,1999-03-17,7574\r\n");
        for (int batch = 0; batch < 300; batch++) {
            int agency = random.nextInt(0, 65536);
            List<Bet> bets = new ArrayList<>();
            for (int i = random.nextInt(1, 40); i > 0; i--) {
                bets.add(randomBet(random));
            }
            assertThat(bytes(rows.encode(agency, wire(bets)))).as("batch %d", batch)
                    .isEqualTo(reference(agency, bets));
        }
        String longName = "\"ñ, ".repeat(51);
        List<Bet> big = new ArrayList<>();
        for (int i = 0; i < 14; i++) { // the most of these an 8 kB frame holds
            big.add(new Bet(longName, longName, Integer.toString(i), LocalDate.of(2000, 1, 1), i));
        }
        assertThat(bytes(rows.encode(65535, wire(big)))).isEqualTo(reference(65535, big));
        assertThat(bytes(rows.encode(7, wire(List.of(new Bet("Ana", "Sosa", "1", LocalDate.of(1, 2, 3), 4))))))
                .isEqualTo("7,Ana,Sosa,1,0001-02-03,4\r\n".getBytes(StandardCharsets.UTF_8));
    }

    /** {@code bets} as the server's decoder hands them over: a BATCH frame's bets, in their bytes. */
    private static BatchBytes wire(List<Bet> bets) {
        ByteBuf frame = Unpooled.buffer();
        try {
            Wire.write(new Batch(1, bets), frame);
            int header = 1 + 4 + 2; // type, seq, count
            return BatchBytes.copyOf(1, bets.size(), frame.nioBuffer(header, frame.readableBytes() - header));
        } finally {
            frame.release();
        }
    }

    /** Names of random code points (2-, 3- and 4-byte ones, commas, quotes, CR-free), as a Bet accepts them. */
    private static Bet randomBet(SplittableRandom random) {
        return new Bet(randomName(random), randomName(random), Long.toString(random.nextLong(0, Long.MAX_VALUE)),
                LocalDate.ofEpochDay(random.nextLong(LocalDate.of(1, 1, 1).toEpochDay(),
                        LocalDate.of(9999, 12, 31).toEpochDay() + 1)),
                random.nextInt(0, 10_000));
    }

    private static String randomName(SplittableRandom random) {
        StringBuilder name = new StringBuilder("x");
        for (int i = random.nextInt(0, 20); i > 0; i--) {
            name.appendCodePoint(switch (random.nextInt(8)) {
                case 0 -> ',';
                case 1 -> '"';
                case 2 -> random.nextInt(0x80, 0x800);
                case 3 -> random.nextInt(0x800, 0xD800);
                case 4 -> random.nextInt(0xE000, 0x10000);
                case 5 -> random.nextInt(0x10000, 0x110000);
                default -> random.nextInt(0x20, 0x7F);
            });
        }
        return name.toString();
    }

    private static String encode(int agency, List<Bet> bets) {
        return new String(bytes(new BetCsv.Rows().encode(agency, bets)), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        byte[] all = new byte[0];
        for (byte[] part : parts) {
            int start = all.length;
            all = Arrays.copyOf(all, start + part.length);
            System.arraycopy(part, 0, all, start, part.length);
        }
        return all;
    }

    /** The rows as the store built them before: text in a StringBuilder, then its UTF-8 bytes. */
    private static byte[] reference(int agency, List<Bet> bets) {
        StringBuilder out = new StringBuilder();
        for (Bet bet : bets) {
            out.append(agency).append(',').append(quoted(bet.firstName())).append(',')
                    .append(quoted(bet.lastName())).append(',').append(quoted(bet.document())).append(',')
                    .append(bet.birthdate()).append(',').append(bet.number()).append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String quoted(String value) {
        boolean quote = value.chars().anyMatch(c -> c == ',' || c == '"' || c == '\r' || c == '\n');
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}

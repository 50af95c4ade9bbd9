package lottery.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A BatchBytes holds only valid bets; its one-pass check takes the plain ones and leaves the rest to the decoder. */
class BatchBytesTest {
    private static final Bet NICOLAS = new Bet("Nicolás", "Saldaña", "30904465", LocalDate.of(1999, 3, 17), 7574);
    private static final Bet MERY = new Bet("María \"Mery\"", "Saldaña, Jr", "1", LocalDate.of(2000, 2, 29), 0);
    private static final Bet SAKURA = new Bet("さくら", "Ана 🍀", "42", LocalDate.of(1, 1, 1), 9999);

    @Test
    void holdsTheBetsItWasMadeOf() {
        BatchBytes batch = BatchBytes.copyOf(7, 3, ByteBuffer.wrap(wire(NICOLAS, MERY, SAKURA)));
        assertThat(batch.bets()).containsExactly(NICOLAS, MERY, SAKURA);
        assertThat(batch.toBatch()).isEqualTo(new Batch(7, List.of(NICOLAS, MERY, SAKURA)));
        assertThat(batch.type()).isEqualTo(MessageType.BATCH);
        assertThat(batch).isEqualTo(BatchBytes.copyOf(7, 3, ByteBuffer.wrap(wire(NICOLAS, MERY, SAKURA))));
    }

    @Test
    void latinTextIsPlainOtherScriptsAreDecoded() {
        assertThat(BatchBytes.plain(wire(NICOLAS, MERY), 2)).isTrue();
        assertThat(BatchBytes.plain(wire(NICOLAS, SAKURA), 2)).isFalse();
    }

    @Test
    void readIfPlainTakesOnlyWholePlainValidBatches() {
        byte[] plain = wire(NICOLAS, MERY);
        assertThat(BatchBytes.readIfPlain(3, 2, plain.length, array -> System.arraycopy(plain, 0, array, 0,
                plain.length))).isEqualTo(BatchBytes.copyOf(3, 2, ByteBuffer.wrap(plain)));
        byte[] other = wire(NICOLAS, SAKURA);
        assertThat(BatchBytes.readIfPlain(3, 2, other.length, array -> System.arraycopy(other, 0, array, 0,
                other.length))).as("valid, but not plain: left to the decoder").isNull();
        assertThat(BatchBytes.readIfPlain(3, 3, plain.length, array -> System.arraycopy(plain, 0, array, 0,
                plain.length))).as("fewer bets than announced").isNull();
        byte[] feb30 = wire(NICOLAS);
        feb30[feb30.length - 3] = 30;
        feb30[feb30.length - 4] = 2;
        assertThat(BatchBytes.readIfPlain(3, 1, feb30.length, array -> System.arraycopy(feb30, 0, array, 0,
                feb30.length))).isNull();
    }

    @Test
    void refusesWhatABetCannotHold() {
        byte[] feb30 = wire(NICOLAS);
        feb30[feb30.length - 3] = 30; // day
        feb30[feb30.length - 4] = 2; // month
        assertThatThrownBy(() -> BatchBytes.copyOf(1, 1, ByteBuffer.wrap(feb30))).isInstanceOf(DateTimeException.class);
        byte[] blank = wire(new Bet("x", "y", "1", LocalDate.of(1999, 1, 1), 1));
        blank[1] = ' ';
        assertThatThrownBy(() -> BatchBytes.copyOf(1, 1, ByteBuffer.wrap(blank)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first name is empty");
        byte[] badUtf8 = wire(new Bet("é", "y", "1", LocalDate.of(1999, 1, 1), 1));
        badUtf8[2] = 'x'; // C3 without its continuation
        assertThatThrownBy(() -> BatchBytes.copyOf(1, 1, ByteBuffer.wrap(badUtf8)))
                .hasMessageContaining("first name is not valid UTF-8");
        assertThatThrownBy(() -> BatchBytes.copyOf(1, 2, ByteBuffer.wrap(wire(NICOLAS))))
                .hasMessageContaining("fewer than 2");
        assertThatThrownBy(() -> BatchBytes.copyOf(1, 1, ByteBuffer.wrap(wire(NICOLAS, NICOLAS))))
                .hasMessageContaining("more than 1");
        assertThatThrownBy(() -> BatchBytes.copyOf(1, 0, ByteBuffer.wrap(new byte[0])))
                .hasMessageContaining("1..65535");
        assertThatThrownBy(() -> BatchBytes.copyOf(-1, 1, ByteBuffer.wrap(wire(NICOLAS))))
                .hasMessageContaining("sequence number");
    }

    @Test
    void keepsACopy() {
        byte[] bytes = wire(NICOLAS);
        BatchBytes batch = BatchBytes.copyOf(1, 1, ByteBuffer.wrap(bytes));
        bytes[1] = 'X';
        assertThat(batch.bets()).containsExactly(NICOLAS);
    }

    /** The bets in the layout of docs/PROTOCOL.md, written here by hand (not by the codec under test). */
    static byte[] wire(Bet... bets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Bet bet : bets) {
            for (String text : new String[] {bet.firstName(), bet.lastName(), bet.document()}) {
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                out.write(utf8.length);
                out.writeBytes(utf8);
            }
            int year = bet.birthdate().getYear();
            out.write(year >> 8);
            out.write(year);
            out.write(bet.birthdate().getMonthValue());
            out.write(bet.birthdate().getDayOfMonth());
            out.write(bet.number() >> 8);
            out.write(bet.number());
        }
        return out.toByteArray();
    }
}

package lottery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lottery.client.agency.AgencyClient;
import lottery.protocol.codec.Wire;
import lottery.protocol.message.Bet;
import lottery.protocol.message.Limits;
import lottery.server.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exercises 5-7 end to end for one agency: the real client in lottery mode against the real server (one agency, so
 * the draw runs when this client finishes), checked on both logs and in the server's bets file.
 */
class LotteryEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Runs agency 1 with these variables against a one-agency server, expecting exit status 0. */
    private static LogRecorder runAgencyOne(TestServer server, Map<String, String> env) throws Exception {
        return runAgencyOne(server, env, 0);
    }

    /**
     * Runs agency 1 with these variables against a one-agency server, expecting {@code status}; the only failure
     * lines allowed are those of invalid lines of the file (read_bet, and the summary that counts them).
     */
    private static LogRecorder runAgencyOne(TestServer server, Map<String, String> env, int status) throws Exception {
        LogRecorder logs = LogRecorder.open();
        try (ClientThread client = ClientThread.start(1, server.port(), env)) {
            assertThat(client.awaitExit(WAIT)).as("exit status; log %s", logs.clients()).isEqualTo(status);
        } finally {
            logs.close();
        }
        assertThat(logs.clients()).noneMatch(line -> line.contains("result: fail") && !line.contains("read_bet")
                && !line.startsWith("action: summary"));
        assertThat(logs.unparsable()).isEmpty();
        return logs;
    }

    @Test
    void theBetOfTheEnvironmentIsStoredAndWins() throws Exception {
        try (TestServer server = TestServer.start(dir, 1)) {
            LogRecorder logs = runAgencyOne(server, Map.of("NOMBRE", "Santiago Lionel", "APELLIDO", "Lorca",
                    "DOCUMENTO", "30904465", "NACIMIENTO", "1999-03-17", "NUMERO", "7574"));

            assertThat(logs.client("client-1")).contains(
                    "action: apuesta_enviada | result: success | dni: 30904465 | numero: 7574",
                    "action: consulta_ganadores | result: success | cant_ganadores: 1");
            assertThat(logs.server()).filteredOn(line -> line.startsWith("action: apuesta_almacenada"))
                    .containsExactly("action: apuesta_almacenada | result: success | dni: 30904465 | numero: 7574");
            assertThat(StoredBets.text(server)).isEqualTo("1,Santiago Lionel,Lorca,30904465,1999-03-17,7574\r\n");
        }
    }

    @Test
    void namesWithCommasQuotesAndAccentsAreStoredExactlyAndInvalidLinesAreCounted() throws Exception {
        Path file = Files.writeString(dir.resolve("agency-1.csv"), String.join("\r\n",
                "\"Pérez, Juan\",\"O'Brien \"\"el Toro\"\"\",12345678,1980-01-31,42",
                "Ana,Saldaña,1,1999-02-30,1",                 // line 2: no such date
                "Nicolás,Müller,23456789,2001-12-01,9999",
                "Solo,Dos",                                   // line 4: two columns
                "\"Zoë \"\"Z\"\"\",\"Ñandú, Sr\",000123,1950-07-04,7574",
                "Eva,Lu,3456,1970-06-15,10000",               // line 6: number out of range
                "李,王 🎲,99999999999999999999,2000-02-29,7574",
                ",Vacío,4,1970-06-15,1",                      // line 8: empty first name
                "Émile,D'Artagnan,1,1999-12-31,0",
                "A,B,12a,2000-01-01,5") + "\r\n", StandardCharsets.UTF_8); // line 10: document not digits
        try (TestServer server = TestServer.start(dir, 1)) {
            // Two bets per batch: five valid bets make three batches, pipelined.
            LogRecorder logs = runAgencyOne(server, Map.of("CLI_DATA_FILE", file.toString(),
                    "CLI_BATCH_MAXAMOUNT", "2"), AgencyClient.EXIT_INVALID_LINES);

            assertThat(StoredBets.rows(server)).containsExactly(
                    List.of("1", "Pérez, Juan", "O'Brien \"el Toro\"", "12345678", "1980-01-31", "42"),
                    List.of("1", "Nicolás", "Müller", "23456789", "2001-12-01", "9999"),
                    List.of("1", "Zoë \"Z\"", "Ñandú, Sr", "000123", "1950-07-04", "7574"),
                    List.of("1", "李", "王 🎲", "99999999999999999999", "2000-02-29", "7574"),
                    List.of("1", "Émile", "D'Artagnan", "1", "1999-12-31", "0"));
            // Python's csv.writer format: quotes only where needed, doubled inside, CRLF.
            assertThat(StoredBets.text(server)).isEqualTo(String.join("\r\n",
                    "1,\"Pérez, Juan\",\"O'Brien \"\"el Toro\"\"\",12345678,1980-01-31,42",
                    "1,Nicolás,Müller,23456789,2001-12-01,9999",
                    "1,\"Zoë \"\"Z\"\"\",\"Ñandú, Sr\",000123,1950-07-04,7574",
                    "1,李,王 🎲,99999999999999999999,2000-02-29,7574",
                    "1,Émile,D'Artagnan,1,1999-12-31,0") + "\r\n");
            List<String> client = logs.client("client-1");
            assertThat(client).filteredOn(line -> line.startsWith("action: read_bet"))
                    .extracting(line -> line.replaceAll(".*\\| line: (\\d+) \\|.*", "$1"))
                    .containsExactly("2", "4", "6", "8", "10");
            assertThat(client).contains("action: consulta_ganadores | result: success | cant_ganadores: 2");
            assertThat(client).filteredOn(line -> line.startsWith("action: summary")).singleElement().asString()
                    .contains("| bets: 5 | batches: 3 | invalid_lines: 5 | winners: 2 |");
            assertThat(logs.server()).filteredOn(line -> line.startsWith("action: apuesta_recibida"))
                    .containsExactly("action: apuesta_recibida | result: success | cantidad: 2",
                            "action: apuesta_recibida | result: success | cantidad: 2",
                            "action: apuesta_recibida | result: success | cantidad: 1");
        }
    }

    /**
     * Bets with the longest names the protocol carries (255 bytes of UTF-8 each, in 1- to 4-byte characters) and
     * 20-digit documents take 539 bytes on the wire, so only 15 fit a frame: the client must cut its batches by size
     * whatever batch.maxAmount (163 by default) says. The server refuses frames over 8192 bytes, so every bet
     * stored, in batches of at most 15, shows that every frame fitted.
     */
    @Test
    void betsWithTheLongestNamesGoInBatchesThatFitAFrame() throws Exception {
        List<Bet> bets = new ArrayList<>();
        StringBuilder csv = new StringBuilder();
        String[] units = {"ñ", "€", "🎲", "a"};
        for (int i = 0; i < 100; i++) {
            Bet bet = new Bet(longName(i + " ", units[i % units.length]),
                    longName(i + " ", units[(i + 1) % units.length]),
                    String.format("%020d", i), LocalDate.of(1950 + i % 50, 1 + i % 12, 1 + i % 28), 7574 - i);
            bets.add(bet);
            csv.append(String.join(",", bet.firstName(), bet.lastName(), bet.document(),
                    bet.birthdate().toString(), Integer.toString(bet.number()))).append("\r\n");
        }
        int perFrame = (Limits.MAX_FRAME_BYTES - Wire.BATCH_OVERHEAD) / Wire.betSize(bets.get(0));
        assertThat(bets).allSatisfy(bet -> assertThat(Wire.betSize(bet)).isEqualTo(539));
        assertThat(perFrame).isEqualTo(15);
        Path file = Files.writeString(dir.resolve("agency-1.csv"), csv, StandardCharsets.UTF_8);

        try (TestServer server = TestServer.start(dir, 1)) {
            LogRecorder logs = runAgencyOne(server, Map.of("CLI_DATA_FILE", file.toString()));

            List<List<String>> expected = new ArrayList<>();
            for (Bet bet : bets) {
                expected.add(List.of("1", bet.firstName(), bet.lastName(), bet.document(),
                        bet.birthdate().toString(), Integer.toString(bet.number())));
            }
            assertThat(StoredBets.rows(server)).isEqualTo(expected);
            assertThat(logs.server()).filteredOn(line -> line.startsWith("action: apuesta_recibida"))
                    .extracting(line -> Integer.parseInt(line.replaceAll(".*cantidad: ", "")))
                    .containsExactly(15, 15, 15, 15, 15, 15, 10);
            assertThat(logs.client("client-1"))
                    .contains("action: consulta_ganadores | result: success | cant_ganadores: 1");
        }
    }

    /** {@code prefix} followed by {@code unit} as often as fits, then ASCII padding: exactly 255 bytes of UTF-8. */
    private static String longName(String prefix, String unit) {
        StringBuilder name = new StringBuilder(prefix);
        int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
        int bytes = prefix.length();
        for (; bytes + unitBytes <= Limits.MAX_STRING_BYTES; bytes += unitBytes) {
            name.append(unit);
        }
        name.append("x".repeat(Limits.MAX_STRING_BYTES - bytes));
        assertThat(name.toString().getBytes(StandardCharsets.UTF_8)).hasSize(Limits.MAX_STRING_BYTES);
        return name.toString();
    }
}

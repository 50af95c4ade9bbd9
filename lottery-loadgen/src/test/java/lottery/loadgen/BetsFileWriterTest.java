package lottery.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BetsFileWriterTest {

    private static byte[] write(long rows, int agencies, List<List<String>> winners) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        winners.addAll(BetsFileWriter.write(out, rows, agencies, 7, 50));
        return out.toByteArray();
    }

    @Test
    void writesTheServersRowsAgenciesTakingTurnsAndListsEveryWinner() throws IOException {
        List<List<String>> winners = new ArrayList<>();
        String text = new String(write(1000, 3, winners), StandardCharsets.UTF_8);

        assertThat(text).endsWith("\r\n");
        String[] rows = text.split("\r\n");
        assertThat(rows).hasSize(1000);
        // Agency 1 has 334 bets, 2 and 3 have 333; batches of 100 in turns: 1, 2, 3, 1, ...
        assertThat(rows[0]).startsWith("1,");
        assertThat(rows[99]).startsWith("1,");
        assertThat(rows[100]).startsWith("2,");
        assertThat(rows[200]).startsWith("3,");
        assertThat(rows[300]).startsWith("1,");
        List<List<String>> expected = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        int[] perAgency = new int[3];
        for (String row : rows) {
            int agency = Integer.parseInt(row.substring(0, row.indexOf(',')));
            String[] tail = row.split(",");
            String document = tail[tail.length - 3];
            assertThat(document).isEqualTo(String.valueOf(agency * 1_000_000L + perAgency[agency - 1]));
            perAgency[agency - 1]++;
            if (tail[tail.length - 1].equals("7574")) {
                expected.get(agency - 1).add(document);
            }
        }
        assertThat(perAgency).containsExactly(334, 333, 333);
        assertThat(winners).isEqualTo(expected);
        assertThat(winners.stream().mapToInt(List::size).sum()).isGreaterThan(20);
        assertThat(text).contains("\"Mar\u00eda \"\"Mery\"\"\"");

        StringWriter lines = new StringWriter();
        assertThat(BetsFileWriter.writeWinners(lines, winners)).isEqualTo(winners.stream().mapToInt(List::size).sum());
        assertThat(lines.toString()).startsWith("1," + winners.get(0).get(0) + "\n");
    }

    @Test
    void theSameArgumentsGiveTheSameBytes() throws IOException {
        assertThat(write(500, 4, new ArrayList<>())).isEqualTo(write(500, 4, new ArrayList<>()));
        assertThat(write(0, 4, new ArrayList<>())).isEmpty();
    }

    @Test
    void refusesMoreBetsPerAgencyThanDocumentsCanTellApart() {
        assertThatThrownBy(() -> BetsFileWriter.write(new ByteArrayOutputStream(), 2_000_001, 2, 1, 5))
                .hasMessageContaining("use more agencies");
    }
}

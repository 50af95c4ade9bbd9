package lottery.client.testing;

import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import lottery.protocol.message.Bet;
import lottery.testkit.Dataset;

/**
 * Agency CSV content for tests: {@code count} valid bets "A,B,i,2000-01-01,i" (document and number = i); and the
 * bets of a dataset file as the client must send them.
 */
public final class BetRows {
    private BetRows() {
    }

    public static String csv(int count) {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < count; i++) {
            rows.append("A,B,").append(i).append(",2000-01-01,").append(i).append('\n');
        }
        return rows.toString();
    }

    /**
     * The bets of one agency file of {@code dataset}, from its plain reading ({@link Dataset#plainRows}): an
     * independent oracle for what the client must send.
     */
    public static List<Bet> plain(Dataset dataset, int agency) throws IOException {
        return dataset.plainRows(agency).stream()
                .map(f -> new Bet(f.get(0), f.get(1), f.get(2), LocalDate.parse(f.get(3)), Integer.parseInt(f.get(4))))
                .toList();
    }
}

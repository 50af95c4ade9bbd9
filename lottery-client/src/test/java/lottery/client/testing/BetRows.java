package lottery.client.testing;

/** Agency CSV content for tests: {@code count} valid bets "A,B,i,2000-01-01,i" (document and number = i). */
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
}

package lottery.client.agency;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.util.List;
import java.util.Map;
import lottery.client.ClientConfig;
import lottery.client.ClientMain;
import lottery.client.StopSignal;
import lottery.client.testing.BetRows;
import lottery.client.testing.FakeLotteryServer;
import lottery.client.testing.TestConfigs;
import lottery.protocol.codec.Wire;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.Limits;
import lottery.testkit.Dataset;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A whole dataset's files, sent whole: every bet arrives once, in order, in full batches under 8 kB. The files are
 * the course's dataset.zip when it is found, else the generated dataset ({@link Dataset}); the expected bets are the
 * files' lines read plainly, and with the course's zip also its published counts.
 */
class CourseDataTest {
    @ParameterizedTest(name = "agency {0}")
    @ValueSource(ints = {5, 1})
    void sendsAWholeAgencyFile(int agency) throws Exception {
        Dataset dataset = Dataset.get();
        int expectedBets = dataset.expectedCounts().get(agency).bets();
        List<Bet> expected = BetRows.plain(dataset, agency);
        assertThat(expected).hasSize(expectedBets);

        try (FakeLotteryServer server = FakeLotteryServer.start(); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            ClientConfig config = TestConfigs.config(agency, server.port(), Map.of("CLI_DATA_FILE",
                    dataset.dir().resolve("agency-{id}.csv").toString()));
            assertThat(config.batchMaxAmount()).isEqualTo(ClientConfig.DEFAULT_BATCH_MAX_AMOUNT);

            assertThat(ClientMain.run(config, new StopSignal())).isZero();

            assertThat(server.errors()).isEmpty();
            assertThat(server.bets()).containsExactlyElementsOf(expected);
            List<Batch> batches = server.batches();
            int full = expectedBets / ClientConfig.DEFAULT_BATCH_MAX_AMOUNT;
            assertThat(batches).hasSize(full + (expectedBets % ClientConfig.DEFAULT_BATCH_MAX_AMOUNT == 0 ? 0 : 1));
            assertThat(batches.subList(0, full)).allSatisfy(batch ->
                    assertThat(batch.bets()).hasSize(ClientConfig.DEFAULT_BATCH_MAX_AMOUNT));
            assertThat(batches).extracting(Batch::seq).isSorted().doesNotHaveDuplicates().startsWith(1L);
            assertThat(server.frameSizes()).allSatisfy(size ->
                    assertThat(size).isLessThanOrEqualTo(Limits.MAX_FRAME_BYTES));
            assertThat(logs.messagesStartingWith("action: progress"))
                    .extracting(line -> line.replaceAll(".*percent: (\\d+).*", "$1"))
                    .endsWith("100");
            assertThat(logs.messagesStartingWith("action: summary")).singleElement().asString()
                    .contains("| bets: " + expectedBets + " | batches: " + batches.size() + " | invalid_lines: 0 |");
            assertThat(logs.lines()).noneMatch(line -> line.startsWith("WARN") || line.startsWith("ERROR"));
        }
    }

    /**
     * A full batch of the default size always fits a frame, whatever the dataset. With the course's zip, the default
     * is also the most that fit: its largest bet takes 50 bytes on the wire, a batch frame has 11 more, and
     * 163 * 50 + 11 = 8161 <= 8192 < 164 * 50 + 11.
     */
    @Test
    void theDefaultMaxAmountIsTheMostBetsOfTheLargestSizeThatFitAFrame() throws Exception {
        Dataset dataset = Dataset.get();
        int expectedBets = dataset.expectedCounts().values().stream().mapToInt(Dataset.AgencyCounts::bets).sum();
        int largest = 0;
        int count = 0;
        for (int agency = 1; agency <= Dataset.AGENCIES; agency++) {
            for (Bet bet : BetRows.plain(dataset, agency)) {
                largest = Math.max(largest, Wire.betSize(bet));
                count++;
            }
        }
        assertThat(count).isEqualTo(expectedBets);
        assertThat(ClientConfig.DEFAULT_BATCH_MAX_AMOUNT * largest + Wire.BATCH_OVERHEAD)
                .as("a full batch of the largest bet of %s", dataset)
                .isLessThanOrEqualTo(Limits.MAX_FRAME_BYTES);
        if (dataset.isCourse()) {
            assertThat(largest).isEqualTo(50);
            assertThat(ClientConfig.DEFAULT_BATCH_MAX_AMOUNT)
                    .isEqualTo((Limits.MAX_FRAME_BYTES - Wire.BATCH_OVERHEAD) / largest)
                    .isEqualTo(163);
        }
    }
}

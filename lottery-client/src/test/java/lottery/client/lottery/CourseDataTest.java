package lottery.client.lottery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lottery.client.ClientConfig;
import lottery.client.ClientMain;
import lottery.client.StopSignal;
import lottery.client.testing.Dataset;
import lottery.client.testing.FakeLotteryServer;
import lottery.client.testing.LogCapture;
import lottery.client.testing.TestConfigs;
import lottery.protocol.codec.Wire;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The course's own files, sent whole: every bet arrives once, in order, in full batches under 8 kB. */
class CourseDataTest {
    @TempDir
    static Path dir;

    @ParameterizedTest(name = "agency {0}: {1} bets")
    @CsvSource({"5, 991", "1, 26936"})
    void sendsAWholeAgencyFile(int agency, int expectedBets) throws Exception {
        String name = "agency-" + agency + ".csv";
        Dataset.extract(dir, name);
        Path file = dir.resolve(name);
        List<Bet> expected = Dataset.parsePlain(file);
        assertThat(expected).hasSize(expectedBets);

        try (FakeLotteryServer server = FakeLotteryServer.start(); LogCapture logs = LogCapture.start()) {
            ClientConfig config = TestConfigs.config(agency, server.port(), Map.of("CLI_DATA_FILE",
                    dir.resolve("agency-{id}.csv").toString()));
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
     * The default batch.maxAmount is the most bets of the course data that always fit a frame: the largest bet
     * takes 50 bytes on the wire, a batch frame has 11 more, and 163 * 50 + 11 = 8161 <= 8192 < 164 * 50 + 11.
     */
    @Test
    void theDefaultMaxAmountIsTheMostBetsOfTheLargestSizeThatFitAFrame() throws Exception {
        String[] names = {"agency-1.csv", "agency-2.csv", "agency-3.csv", "agency-4.csv", "agency-5.csv"};
        Path all = dir.resolve("all");
        Files.createDirectories(all);
        Dataset.extract(all, names);
        int largest = 0;
        int count = 0;
        for (String name : names) {
            for (Bet bet : Dataset.parsePlain(all.resolve(name))) {
                largest = Math.max(largest, Wire.betSize(bet));
                count++;
            }
        }
        assertThat(count).isEqualTo(78_697);
        assertThat(largest).isEqualTo(50);
        assertThat(ClientConfig.DEFAULT_BATCH_MAX_AMOUNT)
                .isEqualTo((Limits.MAX_FRAME_BYTES - Wire.BATCH_OVERHEAD) / largest)
                .isEqualTo(163);
        assertThat(ClientConfig.DEFAULT_BATCH_MAX_AMOUNT * largest + Wire.BATCH_OVERHEAD)
                .isLessThanOrEqualTo(Limits.MAX_FRAME_BYTES);
    }
}

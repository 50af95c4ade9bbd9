package lottery.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's figures and the same-run ceilings of the load generator. */
class MeasurementTest {
    @TempDir
    Path dir;

    @Test
    void percentilesAreNearestRankOverEverySample() {
        LatencyStats stats = new LatencyStats();
        for (int i = 100; i >= 1; i--) {
            stats.record(i * 1_000_000L); // 1..100 ms, recorded out of order, past the first array's growth
        }
        for (int i = 0; i < 2000; i++) {
            stats.record(50_000_000L);
        }
        LatencyStats.Summary summary = stats.summary();
        assertThat(summary.count()).isEqualTo(2100);
        assertThat(summary.p50()).isEqualTo(50.0);
        // nearest rank ceil(0.99 * 2100) = 2079; ranks 1..49 are 1..49 ms, 50..2050 are 50 ms, then 51, 52...
        assertThat(summary.p99()).isEqualTo(79.0);
        assertThat(summary.max()).isEqualTo(100.0);
        assertThat(new LatencyStats().summary()).isEqualTo(new LatencyStats.Summary(0, 0, 0, 0));
    }

    @Test
    void ceilingsAreMeasuredInTheSameRunAndTheReportCarriesThemAsJson() throws Exception {
        Path ceilings = dir.resolve("ceilings");
        try (FakeServer server = new FakeServer(3, 0, false)) {
            LoadGenOptions options = new LoadGenOptions(
                    List.of(new LoadGenOptions.ServerAddress("127.0.0.1", server.port())), 1, 3, 700, 40, 7, 4,
                    null, dir, 60, 20, 0, List.of(ProcessHandle.current().pid()), ceilings, true, null, 2);
            LoadGen.Result result = LoadGen.run(options, Duration.ofSeconds(5));
            assertThat(result.success()).isTrue();
            Report report = result.report();
            assertThat(report.bets()).isEqualTo(2100);
            assertThat(report.ack().count()).isEqualTo(3 * ((700 + 39) / 40));
            assertThat(report.firstAck().count()).isEqualTo(3);
            assertThat(report.betsPerSecond()).isPositive();
            assertThat(report.loopbackCeiling()).isPositive();
            assertThat(report.diskCeiling()).isPositive();
            assertThat(report.server()).isNotNull(); // this process stands in for the server
            assertThat(report.server().peakRssMb()).isPositive();
            // the disk ceiling's scratch file is gone
            try (var files = Files.list(ceilings)) {
                assertThat(files).isEmpty();
            }
            JsonNode json = new ObjectMapper().readTree(report.json());
            assertThat(json.get("bets").asLong()).isEqualTo(2100);
            assertThat(json.get("fraction_of_ceiling").asDouble())
                    .isCloseTo(report.betsPerSecond() / Math.min(report.loopbackCeiling(), report.diskCeiling()),
                            org.assertj.core.data.Offset.offset(0.001));
            assertThat(report.table()).contains("bets_per_s", "ack_p99_ms", "server_peak_rss_mb");
        }
    }

    @Test
    void withoutCeilingsOrPidThoseFiguresAreAbsent() throws Exception {
        try (FakeServer server = new FakeServer(1, 0, false)) {
            Report report = LoadGen.run(new LoadGenOptions("127.0.0.1", server.port(), 1, 1, 50, 40, 7, 4, null, dir,
                    60, 20, 0), Duration.ofSeconds(5)).report();
            JsonNode json = new ObjectMapper().readTree(report.json());
            assertThat(json.get("loopback_ceiling_bets_per_s").isNull()).isTrue();
            assertThat(json.get("server_cpu_s").isNull()).isTrue();
            assertThat(json.get("fraction_of_ceiling").isNull()).isTrue();
            assertThat(report.table()).contains("n/a");
        }
    }

    @Test
    void theLoopbackCeilingDrivesEveryBatchToADiscardServerAndTheDiskCeilingWritesEveryRow() throws Exception {
        LoadGenOptions options = new LoadGenOptions("127.0.0.1", 1, 1, 5, 300, 40, 7, 4, null, dir, 60, 20, 0);
        List<AgencyPlan> plans = LoadGen.plans(options);
        assertThat(LoadGen.loopbackCeiling(plans, options, Duration.ofSeconds(5))).isPositive();
        assertThat(DiskCeiling.betsPerSecond(plans, dir, false)).isPositive();
        // every batch's rows are the agency's rows, in order
        StringBuilder expected = new StringBuilder();
        plans.get(2).appendRows(expected);
        StringBuilder batches = new StringBuilder();
        for (int s = 1; s <= plans.get(2).batches().size(); s++) {
            batches.append(new String(plans.get(2).rows(s), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(batches.toString()).isEqualTo(expected.toString());
    }

    @Test
    void processStatsReadThisProcess() {
        ProcessStats self = ProcessStats.self().orElseThrow();
        assertThat(self.cpuSeconds()).isPositive();
        assertThat(self.peakRssKb()).isGreaterThan(10_000);
        assertThat(ProcessStats.of(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void processStatsCountEachThreadFamilysCpu() throws InterruptedException {
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread busy = new Thread(() -> {
            // At least 3 clock ticks (30 ms) of this thread's own CPU, within 10 s of wall time.
            java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
            long wallEnd = System.nanoTime() + 10_000_000_000L;
            while (cpu.getCurrentThreadCpuTime() < 30_000_000L && System.nanoTime() < wallEnd) {
                Thread.onSpinWait();
            }
            spun.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "probe-7-1");
        busy.start();
        try {
            assertThat(spun.await(15, TimeUnit.SECONDS)).isTrue();
            Map<String, Double> threads = ProcessStats.self().orElseThrow().threadCpuSeconds();
            assertThat(threads).containsKey("probe");
            assertThat(threads.get("probe")).isGreaterThanOrEqualTo(0.02);
        } finally {
            release.countDown();
            busy.join(15_000);
        }
    }

    @Test
    void aThreadsFamilyIsItsNameWithoutTrailingNumbers() {
        assertThat(ProcessStats.family("io-3-1")).isEqualTo("io");
        assertThat(ProcessStats.family("lottery-4-1")).isEqualTo("lottery");
        assertThat(ProcessStats.family("GC Thread#0")).isEqualTo("GC Thread");
        assertThat(ProcessStats.family("C2 CompilerThre")).isEqualTo("C2 CompilerThre");
        assertThat(ProcessStats.family("store-sync-5-1")).isEqualTo("store-sync");
        assertThat(ProcessStats.family("-1")).isEqualTo("-1");
    }

    @Test
    void aRunsThreadCpuIsEachFamilysGrowth() {
        ProcessStats before = new ProcessStats(2.0, 1, Map.of("io", 1.0, "C2 CompilerThre", 0.5, "gone", 0.3));
        ProcessStats after = new ProcessStats(3.0, 1, Map.of("io", 1.6, "C2 CompilerThre", 0.5, "draw-scan", 0.2));
        Map<String, Double> during = Report.ServerUse.threadsDuring(before, after);
        assertThat(during).containsOnlyKeys("io", "C2 CompilerThre", "draw-scan");
        assertThat(during.get("io")).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(during.get("C2 CompilerThre")).isZero();
        assertThat(during.get("draw-scan")).isEqualTo(0.2);
    }

    @Test
    void newOptionsParse() {
        LoadGenOptions options = LoadGenOptions.parse(List.of("--server", "h:1", "--server-pid", "42",
                "--ceilings", "c", "--ceiling-fsync", "false", "--json", "r.json", "--connect-window", "0"));
        assertThat(options.connectWindow()).isZero();
        assertThat(LoadGenOptions.parse(List.of("--server", "h:1")).connectWindow()).isEqualTo(512);
        assertThat(options.serverPids()).containsExactly(42L);
        assertThat(options.ceilingsDir()).isEqualTo(Path.of("c"));
        assertThat(options.ceilingFsync()).isFalse();
        assertThat(options.jsonFile()).isEqualTo(Path.of("r.json"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoadGenOptions.parse(List.of("--server", "h:1",
                "--ceiling-fsync", "maybe"))).hasMessageContaining("true or false");
    }
}

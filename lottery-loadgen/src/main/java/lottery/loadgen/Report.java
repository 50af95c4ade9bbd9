package lottery.loadgen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one load-generator run, printed as a table and as one JSON object with the same keys (so scripts
 * read the JSON and people read the table). Times are measured on the generator's clock: the run starts when the
 * first agency connects; the ingest ends when the last batch of the last agency is acknowledged.
 *
 * @param agencies          agencies driven
 * @param bets              bets sent over all agencies
 * @param batchMax          most bets per batch
 * @param inFlight          batches in flight per agency at most
 * @param success           every agency stored exactly its bets and got its winners
 * @param reconnects        connections after each agency's first
 * @param ingestSeconds     start to the last batch Ack
 * @param betsPerSecond     bets / ingestSeconds
 * @param ack               batch send to Ack latency
 * @param firstAck          start to each agency's first Ack (its max: how long the last agency waited)
 * @param drawWaitSeconds   the last batch Ack to the last agency's winners (FINISHes, the draw, the answers), or -1
 * @param totalSeconds      start to the last agency's winners
 * @param server            the server's CPU during the run and its peak RSS, when its pid was given
 * @param generatorCpu      this process's CPU seconds during the run
 * @param loopbackCeiling   bets/s of the same frames to a discard server, same run (0: not measured)
 * @param diskCeiling       bets/s of the same rows appended (and forced) by a trivial writer, same run
 *                          (0: not measured)
 * @param servers           per server, when the agencies were spread over several (empty with one server: the
 *                          report is then exactly the one-server report)
 * @param serversEach       each server process's use, when several pids were given (empty otherwise); {@code server}
 *                          is then their total: CPU summed, peak RSS the largest
 */
record Report(int agencies, long bets, int batchMax, int inFlight, boolean success, int reconnects,
              double ingestSeconds, double betsPerSecond, LatencyStats.Summary ack, LatencyStats.Summary firstAck,
              double drawWaitSeconds, double totalSeconds, ServerUse server, double generatorCpu,
              double loopbackCeiling, double diskCeiling, List<ServerShare> servers, List<ServerUse> serversEach) {

    Report {
        servers = servers == null ? List.of() : List.copyOf(servers);
        serversEach = serversEach == null ? List.of() : List.copyOf(serversEach);
    }

    /** A report of one server (no per-server shares, one pid at most). */
    Report(int agencies, long bets, int batchMax, int inFlight, boolean success, int reconnects, double ingestSeconds,
           double betsPerSecond, LatencyStats.Summary ack, LatencyStats.Summary firstAck, double drawWaitSeconds,
           double totalSeconds, ServerUse server, double generatorCpu, double loopbackCeiling, double diskCeiling) {
        this(agencies, bets, batchMax, inFlight, success, reconnects, ingestSeconds, betsPerSecond, ack, firstAck,
                drawWaitSeconds, totalSeconds, server, generatorCpu, loopbackCeiling, diskCeiling, List.of(),
                List.of());
    }

    /**
     * @param cpuSeconds       CPU seconds the server used during the run
     * @param peakRssMb        the server process's peak resident set (its whole life), MB
     * @param threadCpuSeconds the run's CPU seconds by thread family ({@link ProcessStats#threadCpuSeconds}; a thread
     *                         that ended during the run is not in it); empty when not read
     */
    record ServerUse(double cpuSeconds, double peakRssMb, Map<String, Double> threadCpuSeconds) {
        ServerUse {
            threadCpuSeconds = Map.copyOf(threadCpuSeconds);
        }

        ServerUse(double cpuSeconds, double peakRssMb) {
            this(cpuSeconds, peakRssMb, Map.of());
        }

        /**
         * Several processes as one: CPU summed (also by thread family), peak RSS the largest (each process's own
         * peak, not their sum).
         */
        static ServerUse total(List<ServerUse> each) {
            Map<String, Double> threads = new TreeMap<>();
            each.forEach(use -> use.threadCpuSeconds().forEach((family, cpu) -> threads.merge(family, cpu,
                    Double::sum)));
            return new ServerUse(each.stream().mapToDouble(ServerUse::cpuSeconds).sum(),
                    each.stream().mapToDouble(ServerUse::peakRssMb).max().orElse(0), threads);
        }

        /**
         * The run's CPU by thread family from the readings before and after it: a family's growth, or its whole CPU
         * when it started during the run.
         */
        static Map<String, Double> threadsDuring(ProcessStats before, ProcessStats after) {
            Map<String, Double> during = new TreeMap<>();
            after.threadCpuSeconds().forEach((family, cpu) -> during.put(family,
                    Math.max(0, cpu - before.threadCpuSeconds().getOrDefault(family, 0.0))));
            return during;
        }
    }

    /**
     * One server's share of a run over several servers.
     *
     * @param address       HOST:PORT as given
     * @param agencies      agencies assigned to it
     * @param bets          their bets
     * @param ingestSeconds the run's start to the last batch Ack of these agencies
     * @param betsPerSecond bets / ingestSeconds
     */
    record ServerShare(String address, int agencies, long bets, double ingestSeconds, double betsPerSecond) {
    }

    Report withCeilings(double loopback, double disk) {
        return new Report(agencies, bets, batchMax, inFlight, success, reconnects, ingestSeconds, betsPerSecond, ack,
                firstAck, drawWaitSeconds, totalSeconds, server, generatorCpu, loopback, disk, servers, serversEach);
    }

    /** The families that used at least 0.01 s, most CPU first, rounded to 0.01 s (the JSON's object). */
    private static Map<String, Double> threadCpu(Map<String, Double> byFamily) {
        Map<String, Double> shown = new LinkedHashMap<>();
        byFamily.entrySet().stream()
                .filter(e -> e.getValue() >= 0.01)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> shown.put(e.getKey(), round(e.getValue(), 2)));
        return shown;
    }

    /** min(loopback, disk) of the ceilings measured, or 0. */
    double ceiling() {
        if (loopbackCeiling > 0 && diskCeiling > 0) {
            return Math.min(loopbackCeiling, diskCeiling);
        }
        return Math.max(loopbackCeiling, diskCeiling);
    }

    Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("agencies", agencies);
        f.put("bets", bets);
        f.put("batch_max", batchMax);
        f.put("in_flight", inFlight);
        f.put("success", success);
        f.put("reconnects", reconnects);
        f.put("ingest_s", round(ingestSeconds, 3));
        f.put("bets_per_s", Math.round(betsPerSecond));
        f.put("batches_acked", ack.count());
        f.put("ack_p50_ms", round(ack.p50(), 2));
        f.put("ack_p99_ms", round(ack.p99(), 2));
        f.put("ack_max_ms", round(ack.max(), 2));
        f.put("first_ack_p99_ms", round(firstAck.p99(), 1));
        f.put("first_ack_max_ms", round(firstAck.max(), 1));
        f.put("draw_wait_s", round(drawWaitSeconds, 3));
        f.put("total_s", round(totalSeconds, 3));
        f.put("server_cpu_s", server == null ? null : round(server.cpuSeconds(), 2));
        f.put("server_peak_rss_mb", server == null ? null : Math.round(server.peakRssMb()));
        f.put("server_thread_cpu_s", server == null ? null : threadCpu(server.threadCpuSeconds()));
        f.put("generator_cpu_s", round(generatorCpu, 2));
        f.put("loopback_ceiling_bets_per_s", loopbackCeiling > 0 ? Math.round(loopbackCeiling) : null);
        f.put("disk_ceiling_bets_per_s", diskCeiling > 0 ? Math.round(diskCeiling) : null);
        f.put("fraction_of_ceiling", ceiling() > 0 ? round(betsPerSecond / ceiling(), 3) : null);
        // Only with several servers or pids, so that a one-server report keeps exactly its keys.
        if (!serversEach.isEmpty()) {
            f.put("server_cpu_s_each", serversEach.stream().map(u -> round(u.cpuSeconds(), 2)).toList());
            f.put("server_peak_rss_mb_each", serversEach.stream().map(u -> Math.round(u.peakRssMb())).toList());
        }
        if (!servers.isEmpty()) {
            f.put("servers", servers.stream().map(ServerShare::address).toList());
            f.put("server_agencies", servers.stream().map(ServerShare::agencies).toList());
            f.put("server_bets", servers.stream().map(ServerShare::bets).toList());
            f.put("server_bets_per_s", servers.stream().map(share -> Math.round(share.betsPerSecond())).toList());
        }
        return f;
    }

    String json() {
        try {
            return new ObjectMapper().writeValueAsString(fields());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Two columns, one figure per line, units in the names. */
    String table() {
        StringBuilder out = new StringBuilder();
        fields().forEach((key, value) -> out.append(String.format(Locale.ROOT, "  %-28s %s%n", key,
                value == null ? "n/a" : value)));
        return out.toString();
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}

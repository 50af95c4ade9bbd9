package lottery.server.ops;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.util.function.IntSupplier;
import lottery.protocol.message.ErrorCode;
import lottery.server.round.RoundObserver;
import lottery.server.round.RoundView;

/**
 * The server's metrics, in the official Prometheus client ({@code prometheus-metrics-core}), and the round's
 * observer that feeds them. Two kinds:
 *
 * <ul>
 *   <li>events, counted as they happen by the threads that see them (the round calls this {@link RoundObserver}):
 *       bets and batches stored, refusals by error code, the Ack and commit latency histograms. The client's
 *       counters and classic histograms are lock-free adders: no allocation and no lock per call (exemplars off);
 *   <li>the round's state, copied from a {@link RoundView} that the lottery thread made for the scrape
 *       ({@link #update}): agencies connected, finished, answered, drawn, the store's backlog. When the lottery thread
 *       does not answer in time (a long draw), the previous values stand and {@code lottery_round_view_fresh} is 0.
 * </ul>
 * Plus the open connections (a callback on the connection count), the process's CPU time and heap.
 *
 * <p>Thread context: the observer's methods run on the lottery thread and on {@code store-sync} (see
 * {@link RoundObserver}); {@link #update} and {@link #write} on the {@code ops} event loop. Every metric is
 * thread-safe.
 */
final class OpsMetrics implements RoundObserver {
    /** Latency buckets, in seconds: 0.5 ms to 5 s (an fsync is ~1-10 ms; a database commit a few ms). */
    private static final double[] LATENCY_BUCKETS =
            {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};
    private static final double NANOS_PER_SECOND = 1e9;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter bets;
    private final Counter batches;
    /** The refusals' counter of each error code, by ordinal: made once, so counting one allocates nothing. */
    private final CounterDataPoint[] refusals;
    private final Histogram ackLatency;
    private final Histogram commitLatency;
    private final Gauge agencies;
    private final Gauge roundBets;
    private final Gauge connected;
    private final Gauge finished;
    private final Gauge answered;
    private final Gauge drawn;
    private final Gauge open;
    private final Gauge backlog;
    private final Gauge acksWaiting;
    private final Gauge heldQueries;
    private final Gauge viewFresh;

    /** @param openConnections the connections open now (thread-safe) */
    OpsMetrics(IntSupplier openConnections) {
        bets = Counter.builder().name("lottery_bets_stored").help("Bets stored since the server started")
                .withoutExemplars().register(registry);
        batches = Counter.builder().name("lottery_batches_stored")
                .help("Batches (BATCH messages) stored since the server started").withoutExemplars()
                .register(registry);
        Counter refused = Counter.builder().name("lottery_refusals").labelNames("code")
                .help("Requests answered with an error, by error code").withoutExemplars().register(registry);
        ErrorCode[] codes = ErrorCode.values();
        refusals = new CounterDataPoint[codes.length];
        for (ErrorCode code : codes) {
            refusals[code.ordinal()] = refused.labelValues(code.name());
        }
        ackLatency = latency("lottery_ack_latency_seconds",
                "From a request taken on the lottery thread to its Ack released (its force or commit included)");
        commitLatency = latency("lottery_commit_latency_seconds",
                "One force of the store: an fsync (CSV) or a database commit (PostgreSQL)");
        GaugeWithCallback.builder().name("lottery_connections_open").help("Connections open now")
                .callback(callback -> callback.call(openConnections.getAsInt())).register(registry);
        agencies = gauge("lottery_round_agencies", "SERVER_AGENCIES: agencies the draw waits for (0: no draw)");
        roundBets = gauge("lottery_round_bets", "Bets stored in the round (what a restart read back included)");
        connected = gauge("lottery_agencies_connected", "Agencies whose session a connection holds now");
        finished = gauge("lottery_agencies_finished", "Agencies that sent FINISH");
        answered = gauge("lottery_agencies_answered", "Agencies sent their winners");
        drawn = gauge("lottery_round_drawn", "1 once the draw has run");
        open = gauge("lottery_round_open", "1 while the round takes requests (open, not stopping)");
        backlog = gauge("lottery_store_backlog_writes", "Writes to the store waiting for their force or commit");
        acksWaiting = gauge("lottery_acks_waiting", "Acks held until their writes are durable");
        heldQueries = gauge("lottery_winners_queries_held", "Winners queries waiting for the draw");
        viewFresh = gauge("lottery_round_view_fresh",
                "1 when the round's gauges come from this scrape, 0 when the lottery thread did not answer in time");
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean process) {
            CounterWithCallback.builder().name("process_cpu_seconds").unit(Unit.SECONDS)
                    .help("CPU time of the server process")
                    .callback(callback -> callback.call(process.getProcessCpuTime() / NANOS_PER_SECOND))
                    .register(registry);
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        GaugeWithCallback.builder().name("jvm_memory_used_bytes").unit(Unit.BYTES).labelNames("area")
                .help("Java heap in use").callback(callback -> callback.call(memory.getHeapMemoryUsage().getUsed(),
                        "heap")).register(registry);
    }

    private Histogram latency(String name, String help) {
        return Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(LATENCY_BUCKETS)
                .withoutExemplars().register(registry);
    }

    private Gauge gauge(String name, String help) {
        return Gauge.builder().name(name).help(help).withoutExemplars().register(registry);
    }

    @Override
    public void stored(int agency, long seq, int count) {
        bets.inc(count);
        if (seq > 0) {
            batches.inc();
        }
    }

    @Override
    public void refused(ErrorCode code) {
        refusals[code.ordinal()].inc();
    }

    @Override
    public void acked(long nanos) {
        ackLatency.observe(nanos / NANOS_PER_SECOND);
    }

    @Override
    public void committed(long nanos) {
        commitLatency.observe(nanos / NANOS_PER_SECOND);
    }

    /** Bets stored since the server started (the status page's rate is its derivative). */
    long betsStored() {
        return bets.getLongValue();
    }

    /** Sets the round's gauges from {@code view}, or (null: the lottery thread did not answer) keeps them. */
    void update(RoundView view) {
        if (view == null) {
            viewFresh.set(0);
            return;
        }
        viewFresh.set(1);
        agencies.set(view.agencies());
        roundBets.set(view.bets());
        connected.set(view.connected());
        finished.set(view.finished());
        answered.set(view.answered());
        drawn.set(view.drawn() ? 1 : 0);
        open.set(view.open() ? 1 : 0);
        backlog.set(view.backlog());
        acksWaiting.set(view.acksWaiting());
        heldQueries.set(view.heldQueries());
    }

    /** Writes every metric in the Prometheus text format (version 0.0.4). */
    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    /** The text format's content type. */
    String contentType() {
        return writer.getContentType();
    }
}

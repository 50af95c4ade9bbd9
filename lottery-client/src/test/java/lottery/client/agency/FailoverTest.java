package lottery.client.agency;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import lottery.client.ClientConfig;
import lottery.client.StopSignal;
import lottery.client.net.AddressResolver;
import lottery.client.net.ClientTransport;
import lottery.client.testing.BetRows;
import lottery.client.testing.FakeLotteryServer;
import lottery.client.testing.ResumingAgency;
import lottery.client.testing.TestConfigs;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Hello;
import lottery.protocol.message.MessageType;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 on the client: a server host with several addresses (server replicas behind one DNS name). Each agency
 * starts at address {@code id mod count} of the sorted list (waiting a while for it at its first connection), and
 * after a refused attempt or a lost session goes on with the next address, where it resumes; the host is looked up again at each attempt. A change of
 * server is said at INFO ({@code failover_from} the server left), everything else about addresses at DEBUG. The replicas
 * are fake servers on 127.0.0.1, 127.0.0.2 and 127.0.0.3 with one port, and the name is resolved by an injected
 * {@link AddressResolver}, since no test can make a real name resolve to several loopback addresses.
 */
@Timeout(60)
class FailoverTest {
    private static final String HOST = "replicas.test";

    @TempDir
    Path dir;

    private final List<FakeLotteryServer> servers = new ArrayList<>();

    @AfterEach
    void closeServers() {
        servers.forEach(FakeLotteryServer::close);
    }

    /**
     * Fake servers on 127.0.0.{@code last} for each of {@code lasts}, all on one port (the first one's ephemeral
     * port; tried again with a new one in the unlikely case another address has it taken).
     */
    private List<FakeLotteryServer> replicas(FakeLotteryServer.Script script, int... lasts) throws Exception {
        for (int tries = 0; ; tries++) {
            List<FakeLotteryServer> started = new ArrayList<>();
            try {
                started.add(FakeLotteryServer.start("127.0.0." + lasts[0], 0, script));
                int port = started.get(0).port();
                for (int i = 1; i < lasts.length; i++) {
                    started.add(FakeLotteryServer.start("127.0.0." + lasts[i], port, script));
                }
                servers.addAll(started);
                return started;
            } catch (Exception e) {
                started.forEach(FakeLotteryServer::close);
                if (tries == 5) {
                    throw e;
                }
            }
        }
    }

    private static InetAddress loopback(int last) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    /** A resolver that gives {@code addresses} for {@link #HOST} (in the order given) and knows no other name. */
    private static AddressResolver resolver(AtomicReference<List<InetAddress>> addresses, AtomicInteger lookups) {
        return host -> {
            lookups.incrementAndGet();
            if (!host.equals(HOST)) {
                throw new UnknownHostException(host);
            }
            return addresses.get();
        };
    }

    private ClientConfig config(int id, int port, int bets) throws Exception {
        Path file = Files.writeString(dir.resolve("agency-" + id + ".csv"), BetRows.csv(bets), StandardCharsets.UTF_8);
        Map<String, String> env = new HashMap<>(Map.of("CLI_DATA_FILE", file.toString(), "CLI_BATCH_MAXAMOUNT", "10",
                "CLI_RECONNECT_TIMEOUT", "10s", "CLI_SERVER_ADDRESS", HOST + ":" + port));
        return TestConfigs.config(id, port, env);
    }

    /** Runs agency {@code id} to the end through a transport that resolves {@link #HOST} with {@code resolver}. */
    private int run(int id, int port, int bets, AddressResolver resolver) throws Exception {
        StopSignal stop = new StopSignal();
        try (ClientTransport transport = new ClientTransport(id, stop, resolver)) {
            return new AgencyClient(config(id, port, bets), transport, stop).run();
        }
    }

    private static List<Integer> hellos(FakeLotteryServer server) {
        return server.received().stream().filter(Hello.class::isInstance).map(m -> ((Hello) m).agency()).toList();
    }

    private static List<String> failures(LogCapture logs) {
        return logs.lines().stream().filter(line -> line.contains("result: fail")).toList();
    }

    @Test
    void eachAgencyStartsAtItsIdModTheCountOfTheSortedAddresses() throws Exception {
        List<FakeLotteryServer> replicas = replicas(FakeLotteryServer::answer, 1, 2, 3);
        int port = replicas.get(0).port();
        // The DNS answers in any order (Docker's rotates it): the client sorts, so every agency sees one order.
        AtomicReference<List<InetAddress>> addresses = new AtomicReference<>(
                List.of(loopback(3), loopback(1), loopback(2)));
        AtomicInteger lookups = new AtomicInteger();
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            // One agency per replica: the fake server's Finish Ack counts every bet it received.
            for (int id = 1; id <= 3; id++) {
                assertThat(run(id, port, 5, resolver(addresses, lookups))).as("agency %d", id).isZero();
            }

            // Sorted: .1 .2 .3; agency K starts at index K mod 3 and stays there (no failure).
            assertThat(hellos(replicas.get(0))).containsExactly(3);
            assertThat(hellos(replicas.get(1))).containsExactly(1);
            assertThat(hellos(replicas.get(2))).containsExactly(2);
            assertThat(logs.messagesStartingWith("action: connect | result: success | client_id: 1 |"))
                    .containsExactly("action: connect | result: success | client_id: 1 | address: 127.0.0.2:" + port
                            + " | addresses: 3");
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("INFO action: connect")).isEmpty();
            assertThat(lookups).hasValue(3);
            assertThat(failures(logs)).isEmpty();
        }
    }

    @Test
    void theFirstConnectionWaitsForItsOwnAddressForAWhileThenTakesTheNext() throws Exception {
        // Nothing listens on 127.0.0.2 (a replica that is down): agency 1's own address. It keeps trying it, with
        // backoff, for ClientTransport.HOME_GRACE, then goes on to .3.
        List<FakeLotteryServer> replicas = replicas(FakeLotteryServer::answer, 1, 3);
        int port = replicas.get(0).port();
        AtomicReference<List<InetAddress>> addresses = new AtomicReference<>(
                List.of(loopback(1), loopback(2), loopback(3)));
        AtomicInteger lookups = new AtomicInteger();
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            long start = System.nanoTime();
            assertThat(run(1, port, 5, resolver(addresses, lookups))).isZero();

            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(2_000_000_000L);
            assertThat(hellos(replicas.get(0))).isEmpty();
            assertThat(hellos(replicas.get(1))).containsExactly(1);
            assertThat(replicas.get(1).receivedTypes()).contains(MessageType.FINISH, MessageType.WINNERS_QUERY);
            List<String> waits = logs.messagesStartingWith("action: connect | result: in_progress");
            assertThat(waits).hasSizeGreaterThan(2).allSatisfy(line -> assertThat(line)
                    .startsWith("action: connect | result: in_progress | client_id: 1 | attempt: ")
                    .doesNotContain("retry_in: 0s")
                    .endsWith(" | address: 127.0.0.2:" + port));
            // The first connection changed no server: DEBUG.
            assertThat(logs.lines()).contains("DEBUG action: connect | result: success | client_id: 1 | address:"
                    + " 127.0.0.3:" + port + " | addresses: 3");
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("INFO action: connect")).isEmpty();
            assertThat(lookups).hasValue(waits.size() + 1); // looked up again at every attempt
            assertThat(failures(logs)).isEmpty();
        }
    }

    @Test
    void aReplicaThatStartsAfterItsAgencyStillGetsIt() throws Exception {
        // Compose starts replicas and agencies together: .1 and .3 listen, agency 1's own .2 not yet. Once the
        // agency has been refused there, .2 comes up: the agency must take it, not stay on the others.
        List<FakeLotteryServer> replicas = replicas(FakeLotteryServer::answer, 1, 3);
        int port = replicas.get(0).port();
        AtomicReference<List<InetAddress>> addresses = new AtomicReference<>(
                List.of(loopback(1), loopback(2), loopback(3)));
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return run(1, port, 5, resolver(addresses, new AtomicInteger()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            logs.await(line -> line.startsWith("DEBUG action: connect | result: in_progress | client_id: 1")
                    && line.endsWith("address: 127.0.0.2:" + port), Duration.ofSeconds(20));
            FakeLotteryServer late = FakeLotteryServer.start("127.0.0.2", port, FakeLotteryServer::answer);
            servers.add(late);
            assertThat(run.get(20, TimeUnit.SECONDS)).isZero();

            assertThat(hellos(late)).containsExactly(1);
            assertThat(hellos(replicas.get(0))).isEmpty();
            assertThat(hellos(replicas.get(1))).isEmpty();
            assertThat(failures(logs)).isEmpty();
        }
    }

    @Test
    void aLostSessionGoesOnWithTheNextAddressWhichResumesIt() throws Exception {
        // One agency state behind both replicas, as a shared store: batch 5 is stored on .1, then .1 drops the
        // connection before its Ack (a server killed mid-ingest).
        AtomicBoolean cutOnce = new AtomicBoolean();
        ResumingAgency agency = new ResumingAgency(List.of("7")).fault((ctx, message, a) -> {
            if (message instanceof Batch batch && batch.seq() == 5 && cutOnce.compareAndSet(false, true)) {
                a.storeWithoutAck(batch);
                a.cut(ctx);
                return true;
            }
            return false;
        });
        List<FakeLotteryServer> replicas = replicas(agency, 1, 2);
        int port = replicas.get(0).port();
        AtomicReference<List<InetAddress>> addresses = new AtomicReference<>(List.of(loopback(2), loopback(1)));
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(run(2, port, 200, resolver(addresses, new AtomicInteger()))).isZero(); // 2 mod 2: .1 first

            assertThat(agency.storeCounts()).containsOnlyKeys(LongStream.rangeClosed(1, 20).boxed().toList())
                    .allSatisfy((seq, count) -> assertThat(count).as("batch %d", seq).isEqualTo(1));
            assertThat(agency.stored()).isEqualTo(200);
            assertThat(hellos(replicas.get(0))).containsExactly(2);
            assertThat(hellos(replicas.get(1))).containsExactly(2);
            List<MessageType> onSecond = replicas.get(1).receivedTypes();
            assertThat(onSecond).contains(MessageType.FINISH, MessageType.WINNERS_QUERY);
            assertThat(replicas.get(1).batches()).extracting(Batch::seq).doesNotContain(1L, 2L, 3L, 4L, 5L);
            assertThat(logs.lines()).contains(
                    "INFO action: connect | result: success | client_id: 2 | address: 127.0.0.2:" + port
                            + " | failover_from: 127.0.0.1:" + port + " | addresses: 2",
                    "INFO action: reconnect | result: success | client_id: 2 | resume_seq: 5",
                    "INFO action: consulta_ganadores | result: success | cant_ganadores: 1");
            assertThat(failures(logs)).isEmpty();
        }
    }

    @Test
    void afterALostSessionADownReplicaIsSkippedAndTheInfoLineNamesTheServerLeft() throws Exception {
        // Replicas on .1 and .3; .2 is in the name but down. Agency 3 starts at 3 mod 3 = .1, which drops it at
        // batch 2; the next address, .2, refuses; .3 takes the agency over.
        AtomicBoolean cutOnce = new AtomicBoolean();
        ResumingAgency agency = new ResumingAgency(List.of()).fault((ctx, message, a) -> {
            if (message instanceof Batch batch && batch.seq() == 2 && cutOnce.compareAndSet(false, true)) {
                a.cut(ctx);
                return true;
            }
            return false;
        });
        List<FakeLotteryServer> replicas = replicas(agency, 1, 3);
        int port = replicas.get(0).port();
        AtomicReference<List<InetAddress>> addresses = new AtomicReference<>(
                List.of(loopback(1), loopback(2), loopback(3)));
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(run(3, port, 30, resolver(addresses, new AtomicInteger()))).isZero();

            assertThat(agency.storeCounts()).containsOnlyKeys(1L, 2L, 3L)
                    .allSatisfy((seq, count) -> assertThat(count).isEqualTo(1));
            assertThat(hellos(replicas.get(0))).containsExactly(3);
            assertThat(hellos(replicas.get(1))).containsExactly(3);
            assertThat(logs.messagesStartingWith("action: connect | result: in_progress")).singleElement().asString()
                    .endsWith(" | retry_in: 0s | address: 127.0.0.2:" + port);
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("INFO action: connect")).containsExactly(
                    "INFO action: connect | result: success | client_id: 3 | address: 127.0.0.3:" + port
                            + " | failover_from: 127.0.0.1:" + port + " | addresses: 3");
            assertThat(failures(logs)).isEmpty();
        }
    }

    @Test
    void theHostIsLookedUpAgainSoAReplicaThatLeftTheNameIsNotTriedAgain() throws Exception {
        // At first the name has only .1. With batch 3, .1 leaves the name, .3 joins it, and .1 drops the connection
        // (and keeps listening: only a fresh lookup can keep the client away from it).
        AtomicReference<List<InetAddress>> addresses = new AtomicReference<>(List.of(loopback(1)));
        AtomicBoolean cutOnce = new AtomicBoolean();
        ResumingAgency agency = new ResumingAgency(List.of()).fault((ctx, message, a) -> {
            if (message instanceof Batch batch && batch.seq() == 3 && cutOnce.compareAndSet(false, true)) {
                try {
                    addresses.set(List.of(loopback(3)));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
                a.cut(ctx);
                return true;
            }
            return false;
        });
        List<FakeLotteryServer> replicas = replicas(agency, 1, 3);
        int port = replicas.get(0).port();
        AtomicInteger lookups = new AtomicInteger();
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(run(4, port, 50, resolver(addresses, lookups))).isZero();

            assertThat(agency.storeCounts()).containsOnlyKeys(1L, 2L, 3L, 4L, 5L)
                    .allSatisfy((seq, count) -> assertThat(count).isEqualTo(1));
            assertThat(hellos(replicas.get(0))).containsExactly(4);
            assertThat(hellos(replicas.get(1))).containsExactly(4);
            assertThat(replicas.get(0).receivedTypes()).doesNotContain(MessageType.FINISH);
            assertThat(lookups).hasValue(2);
            // .1 is not in the new list: the agency starts at 4 mod 1 of it, another server than before: INFO.
            assertThat(logs.lines()).contains("INFO action: connect | result: success | client_id: 4 | address:"
                    + " 127.0.0.3:" + port + " | failover_from: 127.0.0.1:" + port + " | addresses: 1");
            assertThat(failures(logs)).isEmpty();
        }
    }

    @Test
    void withOneAddressAReconnectionGoesBackToItAndSaysNothingAtInfo() throws Exception {
        AtomicBoolean cutOnce = new AtomicBoolean();
        ResumingAgency agency = new ResumingAgency(List.of()).fault((ctx, message, a) -> {
            if (message instanceof Batch batch && batch.seq() == 2 && cutOnce.compareAndSet(false, true)) {
                a.cut(ctx);
                return true;
            }
            return false;
        });
        List<FakeLotteryServer> replicas = replicas(agency, 1);
        int port = replicas.get(0).port();
        AtomicReference<List<InetAddress>> addresses = new AtomicReference<>(List.of(loopback(1)));
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(run(5, port, 30, resolver(addresses, new AtomicInteger()))).isZero();

            assertThat(hellos(replicas.get(0))).containsExactly(5, 5);
            assertThat(logs.messagesStartingWith("action: connect | result: success")).containsExactly(
                    "action: connect | result: success | client_id: 5 | address: 127.0.0.1:" + port
                            + " | addresses: 1",
                    "action: connect | result: success | client_id: 5 | address: 127.0.0.1:" + port
                            + " | addresses: 1");
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("INFO action: connect")).isEmpty();
            assertThat(failures(logs)).isEmpty();
        }
    }
}

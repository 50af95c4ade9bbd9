package lottery.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import lottery.server.store.csv.CsvBetStore;
import lottery.server.store.csv.RoundState;
import lottery.server.store.csv.StorageLock;
import lottery.server.support.Bets;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listen address the server takes from its configuration (SERVER_IP), interrupts while it starts, and the
 * start-up order of the storage: lock, read, bind, then archive or resume.
 */
class LotteryServerTest {
    @TempDir
    Path dir;

    private InetSocketAddress startAndStop(ServerConfig config) throws Exception {
        LotteryServer server = new LotteryServer(config);
        try {
            return server.start();
        } finally {
            server.stop();
        }
    }

    private ServerConfig config(String listenAddress) {
        return new ServerConfig(0, 8, 1, dir.resolve("bets.csv"), 60, 1, false, "INFO", listenAddress);
    }

    @Test
    void listensOnTheConfiguredIpLiteral() throws Exception {
        assertThat(startAndStop(config("127.0.0.1")).getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void resolvesAHostNameWhenItStarts() throws Exception {
        assertThat(startAndStop(config("localhost")).getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void withoutAnAddressItListensOnEveryInterface() throws Exception {
        ServerConfig config = new ServerConfig(0, 8, 1, dir.resolve("bets.csv"), 60, 1, false, "INFO");

        assertThat(startAndStop(config).getAddress().isAnyLocalAddress()).isTrue();
    }

    @Test
    void anInterruptWhileStartingIsAnInterruptNotAnIoErrorAndStaysSet() {
        for (int attempt = 1; ; attempt++) {
            LotteryServer server = new LotteryServer(config("127.0.0.1"), InetAddress.getLoopbackAddress());
            // Set before start: the wait for the bind must report it.
            Thread.currentThread().interrupt();
            Exception thrown = null;
            try {
                server.start();
            } catch (Exception e) {
                thrown = e;
            }
            boolean stillInterrupted = Thread.interrupted();
            server.stop();

            assertThat(stillInterrupted).as("the interrupt is still set").isTrue();
            if (thrown != null) {
                assertThat(thrown).isInstanceOf(InterruptedException.class);
                return;
            }
            // The event loop bound the port before start() began to wait, so nothing waited: try again.
            assertThat(attempt).as("attempts in which the bind finished before the wait").isLessThan(20);
        }
    }

    private static int indexOf(java.util.List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private Path bets() {
        return dir.resolve("bets.csv");
    }

    /** Every file of the directory with its bytes, to see that nothing was touched (the lock file holds nothing). */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.filter(file -> !file.toString().endsWith(".lock")).toList()) {
                files.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        return files;
    }

    /** A round of 2 agencies in the directory: agency 1 stored batch 1 (8 bets) and finished; {@code draw}: drawn. */
    private void writeRound(boolean finish2, boolean draw) throws IOException {
        try (CsvBetStore store = CsvBetStore.newRound(bets(), 2)) {
            store.append(1, 1, Bets.range(1, 0, 8));
            store.finish(1, 8);
            if (finish2) {
                store.finish(2, 0);
            }
            if (draw) {
                store.drawn(8, 2);
                store.answered(1);
                store.answered(2);
            }
        }
    }

    private ServerConfig config(int agencies, int port) {
        return new ServerConfig(port, 8, agencies, bets(), 60, 1, false, "INFO", "127.0.0.1");
    }

    @Test
    void aSecondServerOnTheSameStorageFailsAndTouchesNothing() throws Exception {
        writeRound(false, false);
        LotteryServer first = new LotteryServer(config(2, 0));
        try (LogCapture log = LogCapture.open()) {
            first.start();
            Map<String, String> before = snapshot();

            LotteryServer second = new LotteryServer(config(3, 0), true);
            assertThatThrownBy(second::start).isInstanceOf(StorageLock.Locked.class)
                    .hasMessageContaining("bets.csv.lock is locked");
            second.stop();

            assertThat(snapshot()).isEqualTo(before);
            assertThat(log.messages()).filteredOn(line -> line.startsWith("action: lock_storage | result: fail"))
                    .hasSize(1);
        } finally {
            first.stop();
        }
        // Released by the stop: a server may start there again.
        LotteryServer third = new LotteryServer(config(2, 0));
        try {
            third.start();
        } finally {
            third.stop();
        }
    }

    @Test
    void aCompletedRoundIsArchivedOnlyOnceThePortIsBound() throws Exception {
        writeRound(true, true);
        Map<String, String> before = snapshot();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            LotteryServer blocked = new LotteryServer(config(2, taken.getLocalPort()));
            assertThatThrownBy(blocked::start).isInstanceOf(IOException.class).hasMessageContaining("cannot listen");
            blocked.stop();
        }
        assertThat(snapshot()).as("nothing archived: the port was not bound").isEqualTo(before);

        try (LogCapture log = LogCapture.open()) {
            LotteryServer server = new LotteryServer(config(2, 0));
            try {
                server.start();
            } finally {
                server.stop();
            }
            java.util.List<String> lines = log.messages();
            int bind = indexOf(lines, "action: bind | result: success");
            int archive = indexOf(lines, "action: archive_bets | result: success");
            assertThat(bind).isNotNegative().isLessThan(archive);
            assertThat(archive).isLessThan(indexOf(lines, "action: accept_connections | result: in_progress"));
            assertThat(lines).contains("action: new_round | result: success | agencies: 2 | reason: the draw of the"
                    + " last round ran and every agency got its winners");
        }
        try (Stream<Path> list = Files.list(dir)) {
            assertThat(list.map(file -> file.getFileName().toString()))
                    .anyMatch(name -> name.matches("bets-\\d{8}-\\d{6}\\.csv"))
                    .anyMatch(name -> name.matches("bets-\\d{8}-\\d{6}\\.csv\\.round"));
        }
        assertThat(Files.size(bets())).isZero();
        assertThat(CsvBetStore.recover(bets()).bets()).isZero();
    }

    @Test
    void anUnfinishedRoundIsResumedAndItsDrawRunsWhenEveryAgencyHadFinished() throws Exception {
        writeRound(false, false);
        try (LogCapture log = LogCapture.open()) {
            LotteryServer server = new LotteryServer(config(2, 0));
            try {
                server.start();
            } finally {
                server.stop();
            }
            assertThat(log.messages()).contains(
                    "action: resume_round | result: success | bets: 8 | agencies_finished: 1 | agencies: 2");
        }
        assertThat(Files.size(bets())).as("not archived").isPositive();

        try (CsvBetStore store = CsvBetStore.open(bets(), false)) {
            store.finish(2, 0);
        }
        try (LogCapture log = LogCapture.open()) {
            LotteryServer server = new LotteryServer(config(2, 0));
            try {
                server.start();
                log.await(line -> line.contains("action: sorteo | result: success"), Duration.ofSeconds(10));
            } finally {
                server.stop();
            }
        }
        RoundState round = CsvBetStore.recover(bets());
        assertThat(round.drawn()).isTrue();
        assertThat(round.complete()).as("nobody was sent the winners yet").isFalse();
    }

    @Test
    void newRoundOrOtherAgenciesArchiveAnUnfinishedRound() throws Exception {
        writeRound(false, false);
        try (LogCapture log = LogCapture.open()) {
            LotteryServer server = new LotteryServer(config(3, 0));
            try {
                server.start();
            } finally {
                server.stop();
            }
            assertThat(log.messages()).contains(
                    "action: new_round | result: success | agencies: 3 | reason: SERVER_AGENCIES changed from 2 to 3");
        }
        assertThat(CsvBetStore.recover(bets()).agencies()).isEqualTo(3);
        try (LogCapture log = LogCapture.open()) {
            LotteryServer server = new LotteryServer(config(3, 0), true);
            try {
                server.start();
            } finally {
                server.stop();
            }
            assertThat(log.messages()).contains(
                    "action: new_round | result: success | agencies: 3 | reason: a new round was asked"
                            + " (--new-round or SERVER_NEW_ROUND=true)");
        }
    }

    @Test
    void theAuthenticationLineSaysWhetherAgenciesMustProveWhoTheyAre() throws Exception {
        try (LogCapture log = LogCapture.open()) {
            startAndStop(config(2, 0));
            Path secrets = Files.writeString(dir.resolve("secrets"), "1 = a\n2 = b\n");
            startAndStop(config(2, 0).withSecretsFile(secrets));

            assertThat(log.lines()).contains("WARN action: authentication | result: success | mode: disabled | reason:"
                    + " SERVER_SECRETS_FILE not set, any client can act as any agency",
                    "INFO action: authentication | result: success | agencies: 2");
        }
    }

    @Test
    void aRoundStartedWithSecretsIsNotResumedWithoutThem() throws Exception {
        Path secrets = Files.writeString(dir.resolve("secrets"), "1 = a\n2 = b\n");
        startAndStop(config(2, 0).withSecretsFile(secrets));
        assertThat(CsvBetStore.recover(bets()).authenticated()).isTrue();

        // Without the secrets the round in progress stays as it is: the server refuses to start.
        LotteryServer withoutSecrets = new LotteryServer(config(2, 0));
        try {
            assertThatThrownBy(withoutSecrets::start).isInstanceOf(IOException.class)
                    .hasMessageContaining("was started with agency secrets, and SERVER_SECRETS_FILE is not set");
        } finally {
            withoutSecrets.stop();
        }
        assertThat(CsvBetStore.recover(bets()).authenticated()).isTrue();

        // With them again it goes on; --new-round starts a round without secrets, which any later server may resume.
        startAndStop(config(2, 0).withSecretsFile(secrets));
        LotteryServer fresh = new LotteryServer(config(2, 0), true);
        try {
            fresh.start();
        } finally {
            fresh.stop();
        }
        assertThat(CsvBetStore.recover(bets()).authenticated()).isFalse();
        startAndStop(config(2, 0));
    }
}

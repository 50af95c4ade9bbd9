package lottery.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import lottery.protocol.message.Bet;
import lottery.testkit.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agencies over TLS (--tls-ca, --tls-cert-dir) against a server that requires an agency certificate. */
class LoadGenTlsTest {
    private static final Duration PROGRESS = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    /** A server context of {@code certs}: its server certificate, requiring an agency certificate of its CA. */
    private static SslContext serverTls(TestCertificates certs) throws Exception {
        TestCertificates.Issued server = certs.server();
        return SslContextBuilder.forServer(server.cert().toFile(), server.key().toFile())
                .sslProvider(SslProvider.JDK).trustManager(certs.caPem().toFile()).clientAuth(ClientAuth.REQUIRE)
                .build();
    }

    private LoadGenOptions options(int port, int agencies, LoadGenOptions.Tls tls) {
        return new LoadGenOptions("127.0.0.1", port, 1, agencies, 300, 40, 7, 4, null, dir.resolve("out"), 30, 20, 0)
                .withTls(tls);
    }

    @Test
    void mutualTlsRunStoresEveryBetEachAgencyWithItsOwnCertificate() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("tls"));
        for (int agency = 1; agency <= 3; agency++) {
            certs.agency(agency);
        }
        try (FakeServer server = new FakeServer(3, 0, false, 0, serverTls(certs))) {
            LoadGenOptions options = options(server.port(), 3,
                    new LoadGenOptions.Tls(certs.caPem(), dir.resolve("tls"), null));
            LoadGen.Result result = LoadGen.run(options, PROGRESS);

            assertThat(result.failures()).isEmpty();
            assertThat(result.betsAcked()).isEqualTo(900);
            // The fake server refuses a HELLO whose agency is not its certificate's CN: each used its own.
            for (AgencyPlan plan : LoadGen.plans(options)) {
                List<Bet> stored = server.inspect(s -> s.stored(plan.agency()));
                assertThat(stored).isEqualTo(plan.bets());
            }
        }
    }

    @Test
    void aServerSignedByAnotherCaFailsTheRunClearlyAtOnce() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("tls"));
        certs.agency(1);
        TestCertificates other = TestCertificates.create(dir.resolve("other"), "another CA");
        try (FakeServer server = new FakeServer(1, 0, false, 0, serverTls(certs))) {
            LoadGen.Result result = LoadGen.run(options(server.port(), 1,
                    new LoadGenOptions.Tls(other.caPem(), dir.resolve("tls"), null)), PROGRESS);

            assertThat(result.success()).isFalse();
            assertThat(result.failures().get(1)).contains("not signed by the CA of --tls-ca");
            assertThat(result.reconnects()).isZero(); // final: no retry until the deadline
        }
    }

    @Test
    void anAgencyCertificateOfAnotherCaIsRefusedByTheServerAndFailsClearly() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("tls"));
        TestCertificates other = TestCertificates.create(dir.resolve("other"), "another CA");
        other.agency(1);
        try (FakeServer server = new FakeServer(1, 0, false, 0, serverTls(certs))) {
            LoadGen.Result result = LoadGen.run(options(server.port(), 1,
                    new LoadGenOptions.Tls(certs.caPem(), dir.resolve("other"), null)), PROGRESS);

            assertThat(result.failures().get(1)).contains("the server refused the agency's certificate");
            List<Bet> stored = server.inspect(s -> s.stored(1));
            assertThat(stored).isEmpty();
        }
    }

    @Test
    void aServerCertificateWithoutTheNameFails() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("tls"));
        certs.agency(1);
        try (FakeServer server = new FakeServer(1, 0, false, 0, serverTls(certs))) {
            LoadGen.Result result = LoadGen.run(options(server.port(), 1,
                    new LoadGenOptions.Tls(certs.caPem(), dir.resolve("tls"), "elsewhere")), PROGRESS);

            assertThat(result.failures().get(1)).contains("does not name the server");
        }
    }

    @Test
    void optionsParseAndBadFilesExitTwoNamingTheFile() throws Exception {
        LoadGenOptions options = LoadGenOptions.parse(List.of("--server", "h:1", "--tls-ca", "ca.pem",
                "--tls-cert-dir", "tls", "--tls-server-name", "server"));
        assertThat(options.tls()).isEqualTo(new LoadGenOptions.Tls(Path.of("ca.pem"), Path.of("tls"), "server"));
        assertThat(LoadGenOptions.parse(List.of("--server", "h:1")).tls()).isNull();
        assertThatThrownBy(() -> LoadGenOptions.parse(List.of("--server", "h:1", "--tls-cert-dir", "tls")))
                .hasMessageContaining("need --tls-ca");
        assertThat(LoadGenOptions.USAGE).contains("--tls-ca FILE", "--tls-cert-dir DIR", "--tls-server-name NAME");

        TestCertificates certs = TestCertificates.create(dir.resolve("tls"));
        certs.agency(1);
        Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        assertThat(errorOf(2, "--tls-ca", dir.resolve("missing.pem").toString()))
                .contains("--tls-ca: " + dir.resolve("missing.pem") + " is not a readable file");
        assertThat(errorOf(2, "--tls-ca", dir.resolve("garbage.pem").toString())).contains("garbage.pem: not a PEM");
        // agency 2 has no certificate in the directory
        assertThat(errorOf(2, "--tls-ca", certs.caPem().toString(), "--tls-cert-dir", dir.resolve("tls").toString()))
                .contains("agency-2.pem is not a readable file");
    }

    /** Runs the main with agencies 1..{@code agencies} and these options; its exit status must be 2; its stderr. */
    private String errorOf(int agencies, String... tlsOptions) {
        List<String> args = new java.util.ArrayList<>(List.of("--server", "127.0.0.1:1", "--agencies",
                "1.." + agencies, "--out", dir.resolve("out").toString()));
        args.addAll(List.of(tlsOptions));
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(LoadGenMain.run(args.toArray(String[]::new))).isEqualTo(2);
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}

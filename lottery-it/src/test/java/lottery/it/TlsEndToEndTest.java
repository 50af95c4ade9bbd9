package lottery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lottery.server.ServerConfig;
import lottery.server.net.TlsSettings;
import lottery.server.support.TestServer;
import lottery.testkit.Dataset;
import lottery.testkit.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lottery over TLS with agency certificates (mutual TLS), real server and real clients in-process on loopback:
 * the whole dataset with exact winners, and every way a handshake or an identity is refused, each a clear line on
 * both sides and nothing stored.
 */
class TlsEndToEndTest {
    private static final int AGENCIES = Dataset.AGENCIES;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration REFUSAL_WAIT = Duration.ofSeconds(30);
    private static final BigInteger REVOKED_SERIAL = BigInteger.valueOf(0xBAD);
    /** One bet from the environment: a refused client has something to send. */
    private static final Map<String, String> ONE_BET = Map.of("NOMBRE", "Ana", "APELLIDO", "Paz", "DOCUMENTO",
            "30904465", "NACIMIENTO", "1999-03-17", "NUMERO", "7574");

    @TempDir
    static Path certs;
    private static TestCertificates ca;
    private static TestCertificates rogue;
    private static TestCertificates.Issued server;
    private static Path revokedList;

    @TempDir
    Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        ca = TestCertificates.create(certs.resolve("ca"));
        rogue = TestCertificates.create(certs.resolve("rogue"), "rogue CA");
        server = ca.server("server1");
        for (int agency = 1; agency <= AGENCIES; agency++) {
            ca.agency(agency);
        }
        rogue.agency(1);
        ca.expiredAgency(1);
        TestCertificates.Issued revoked = ca.agency(4, REVOKED_SERIAL);
        // agency-4.pem is now the revoked one: keep a good one beside it.
        Files.move(revoked.cert(), certs.resolve("agency-4-revoked.pem"));
        Files.move(revoked.key(), certs.resolve("agency-4-revoked.key"));
        ca.agency(4);
        revokedList = Files.writeString(certs.resolve("revoked.txt"), "# revoked agency certificates\n0x"
                + REVOKED_SERIAL.toString(16).toUpperCase() + "\n", StandardCharsets.UTF_8);
    }

    private ServerConfig config(TlsSettings tls) {
        return new ServerConfig(0, 128, AGENCIES, dir.resolve("bets.csv"), 60, 5, false, "INFO").withTls(tls);
    }

    private static TlsSettings mutual() {
        return new TlsSettings(server.cert(), server.key(), ca.caPem(), TlsSettings.ClientAuth.REQUIRE, revokedList,
                false);
    }

    /** The client variables of TLS with CA {@code trust} and the certificate files {@code cert}.pem / .key. */
    private static Map<String, String> tlsClient(Path trust, Path certDir, String cert) {
        Map<String, String> env = new HashMap<>();
        env.put("CLI_TLS_CA", trust.toString());
        if (cert != null) {
            env.put("CLI_TLS_CERT", certDir.resolve(cert + ".pem").toString());
            env.put("CLI_TLS_KEY", certDir.resolve(cert + ".key").toString());
        }
        return env;
    }

    @Test
    void fiveAgenciesOverMutualTlsSendTheWholeDataSetAndEachLearnsItsWinners() throws Exception {
        Dataset dataset = Dataset.get();
        Map<Integer, Dataset.AgencyCounts> expected = dataset.expectedCounts();
        try (LogRecorder logs = LogRecorder.open();
             TestServer lottery = TestServer.start(config(mutual()))) {
            List<ClientThread> clients = new ArrayList<>();
            try {
                for (int agency = 1; agency <= AGENCIES; agency++) {
                    Map<String, String> env = tlsClient(ca.caPem(), certs.resolve("ca"), "agency-" + agency);
                    env.put("CLI_DATA_FILE", dataset.dir().resolve("agency-{id}.csv").toString());
                    env.put("CLI_WINNERS_TIMEOUT", WAIT.toSeconds() + "s");
                    // The certificate names localhost and 127.0.0.1: the client connects to 127.0.0.1 and verifies
                    // "server", the name Compose gives it.
                    env.put("CLI_TLS_SERVER_NAME", "server");
                    clients.add(ClientThread.start(agency, lottery.port(), env));
                }
                for (ClientThread client : clients) {
                    assertThat(client.awaitExit(WAIT)).as("exit status of %s", client.name()).isZero();
                }
            } finally {
                clients.forEach(ClientThread::close);
            }

            Map<Integer, Integer> stored = new HashMap<>();
            for (List<String> row : StoredBets.rows(lottery)) {
                stored.merge(Integer.parseInt(row.get(0)), 1, Integer::sum);
            }
            for (int agency = 1; agency <= AGENCIES; agency++) {
                assertThat(stored.get(agency)).as("rows of agency %d", agency)
                        .isEqualTo(expected.get(agency).bets());
                assertThat(logs.client("client-" + agency)).as("client %d", agency)
                        .contains("action: consulta_ganadores | result: success | cant_ganadores: "
                                + expected.get(agency).winners());
            }
            assertThat(logs.server()).anyMatch(line -> line.startsWith("action: tls | result: success | cert: ")
                    && line.contains("| client_auth: require | revoked: 1 | plain: refused"));
            assertThat(logs.server()).filteredOn(line -> line.startsWith("action: sorteo"))
                    .containsExactly("action: sorteo | result: success");
            assertThat(logs.messages(line -> line.message().contains("result: fail"))).isEmpty();
            assertThat(logs.unparsable()).isEmpty();
        }
    }

    /** Runs one client of {@code agency} with {@code env} against {@code tls} (null: a plain server). */
    private Refusal refused(TlsSettings tls, int agency, Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>(ONE_BET);
        all.putAll(env);
        try (LogRecorder logs = LogRecorder.open();
             TestServer lottery = TestServer.start(config(tls))) {
            int status;
            try (ClientThread client = ClientThread.start(agency, lottery.port(), all)) {
                status = client.awaitExit(REFUSAL_WAIT);
            }
            // The server logs its side when it reads the client's alert or close, which may come after the client
            // exits: every refusal has a server line with "result: fail", so wait for it before taking the logs.
            logs.await(line -> line.fromServer() && line.message().contains("| result: fail"), REFUSAL_WAIT);
            Refusal refusal = new Refusal(status, logs.client("client-" + agency), logs.server(),
                    StoredBets.rows(lottery).size());
            assertThat(refusal.status()).as("client exit status; client log %s", refusal.client()).isEqualTo(1);
            assertThat(refusal.stored()).as("rows stored").isZero();
            // Refused at once: not a retry loop until the reconnect timeout.
            assertThat(refusal.client()).noneMatch(line -> line.startsWith("action: reconnect"));
            return refusal;
        }
    }

    private record Refusal(int status, List<String> client, List<String> server, int stored) {
    }

    @Test
    void aClientThatDoesNotTrustTheServersCaFailsTheHandshake() throws Exception {
        Refusal refusal = refused(mutual(), 1, tlsClient(rogue.caPem(), certs.resolve("ca"), "agency-1"));

        assertThat(refusal.client()).anyMatch(line -> line.startsWith("action: tls_handshake | result: fail | reason:"
                + " the server's certificate is not signed by the CA of tls.ca"));
        assertThat(refusal.server()).anyMatch(line -> line.startsWith("action: tls_handshake | result: fail | peer:"
                + " 127.0.0.1:") && line.contains("certificate_unknown"));
    }

    @Test
    void anAgencyCertificateOfAnotherCaIsRefused() throws Exception {
        Refusal refusal = refused(mutual(), 1, tlsClient(ca.caPem(), certs.resolve("rogue"), "agency-1"));

        assertThat(refusal.client()).anyMatch(line -> line.startsWith("action: tls_handshake | result: fail | reason:"
                + " the server refused this agency's certificate"));
        assertThat(refusal.server()).anyMatch(line -> line.startsWith("action: tls_handshake | result: fail")
                && line.contains("no agency certificate: none sent, or none signed by SERVER_TLS_CLIENT_CA"));
    }

    @Test
    void anExpiredAgencyCertificateIsRefused() throws Exception {
        Refusal refusal = refused(mutual(), 1, tlsClient(ca.caPem(), certs.resolve("ca"), "agency-1-expired"));

        assertThat(refusal.client()).anyMatch(line -> line.startsWith("action: tls_handshake | result: fail | reason:"
                + " the server refused this agency's certificate"));
        assertThat(refusal.server()).anyMatch(line -> line.startsWith("action: tls_handshake | result: fail")
                && line.contains("NotAfter"));
    }

    @Test
    void aRevokedAgencyCertificateIsRefused() throws Exception {
        Map<String, String> env = tlsClient(ca.caPem(), certs.resolve("ca"), null);
        env.put("CLI_TLS_CERT", certs.resolve("agency-4-revoked.pem").toString());
        env.put("CLI_TLS_KEY", certs.resolve("agency-4-revoked.key").toString());

        Refusal refusal = refused(mutual(), 4, env);

        assertThat(refusal.client()).anyMatch(line -> line.startsWith("action: tls_handshake | result: fail | reason:"
                + " the server refused this agency's certificate"));
        assertThat(refusal.server()).anyMatch(line -> line.startsWith("action: tls_handshake | result: fail")
                && line.contains("CN=agency-4 is revoked (serial 0xbad)"));
    }

    @Test
    void agencyTwosCertificateCannotSayHelloAsAgencyThree() throws Exception {
        Refusal refusal = refused(mutual(), 3, tlsClient(ca.caPem(), certs.resolve("ca"), "agency-2"));

        assertThat(refusal.client()).anyMatch(line -> line.contains("code: AUTHENTICATION_FAILED(9)")
                && line.contains("the TLS certificate is agency 2's, not agency 3's"));
        assertThat(refusal.server()).anyMatch(line -> line.contains("code: AUTHENTICATION_FAILED")
                && line.contains("agency 2's, not agency 3's"));
    }

    @Test
    void aPlainClientGetsTlsRequired() throws Exception {
        Refusal refusal = refused(mutual(), 1, Map.of());

        assertThat(refusal.client()).anyMatch(line -> line.contains("code: TLS_REQUIRED(25)"));
        assertThat(refusal.server()).anyMatch(line -> line.startsWith("action: detect_protocol | result: fail")
                && line.contains("the server requires TLS"));
    }

    @Test
    void aTlsClientOfAPlainServerIsToldTheServerHasNoTls() throws Exception {
        Refusal refusal = refused(null, 1, tlsClient(ca.caPem(), certs.resolve("ca"), "agency-1"));

        assertThat(refusal.client()).anyMatch(line -> line.startsWith("action: tls_handshake | result: fail | reason:"
                + " the server refused the TLS handshake: is TLS on at the server"));
        assertThat(refusal.server()).anyMatch(line -> line.startsWith("action: detect_protocol | result: fail")
                && line.contains("first_byte: 0x16 | reason: a TLS client, and TLS is off"));
    }
}

package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import javax.security.auth.x500.X500Principal;
import lottery.testkit.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS files are read and checked at start, each problem one message naming the key and the file: what the server
 * logs before it exits 1 (ServerMain).
 */
class ServerTlsTest {
    @TempDir
    static Path dir;
    private static TestCertificates ca;
    private static TestCertificates.Issued server;
    private static TestCertificates.Issued agency;

    @BeforeAll
    static void certificates() {
        ca = TestCertificates.create(dir.resolve("ca"));
        server = ca.server();
        agency = ca.agency(7, BigInteger.valueOf(0x1A2B));
    }

    private static TlsSettings settings(Path cert, Path key) {
        return new TlsSettings(cert, key, null, TlsSettings.ClientAuth.OFF, null, false);
    }

    @Test
    void loadsAPairAndSaysWhatItUses() throws IOException {
        Path revoked = Files.writeString(dir.resolve("revoked.txt"), "# none yet\n\n0x1a2b\n" + agency.sha256()
                + "\n", StandardCharsets.UTF_8);
        ServerTls tls = ServerTls.load(new TlsSettings(server.cert(), server.key(), ca.caPem(),
                TlsSettings.ClientAuth.OPTIONAL, revoked, true));

        assertThat(tls.logLine()).startsWith("action: tls | result: success | cert: " + server.cert()
                + " | subject: CN=server | not_after: ").endsWith(" | client_ca: " + ca.caPem()
                + " | client_auth: optional | revoked: 2 | plain: allowed");
        assertThat(tls.allowPlain()).isTrue();
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> ServerTls.load(settings(missing, server.key()))).isInstanceOf(IOException.class)
                .hasMessage("cannot read SERVER_TLS_CERT: no such file or directory: " + missing);
    }

    @Test
    void aFileWithoutPemIsNamed() throws IOException {
        Path garbage = Files.write(dir.resolve("garbage.pem"), new byte[] {0x30, (byte) 0x82, 0x01, (byte) 0xFF});
        assertThatThrownBy(() -> ServerTls.load(settings(garbage, server.key()))).isInstanceOf(IOException.class)
                .hasMessage("SERVER_TLS_CERT " + garbage + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        assertThatThrownBy(() -> ServerTls.load(settings(server.cert(), garbage))).isInstanceOf(IOException.class)
                .hasMessage("SERVER_TLS_KEY " + garbage + ": no PEM private key (-----BEGIN PRIVATE KEY-----) in it");
        Path sec1 = Files.writeString(dir.resolve("sec1.key"), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n"
                + "-----END EC PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> ServerTls.load(settings(server.cert(), sec1))).hasMessageContaining("not PKCS#8");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefused() {
        assertThatThrownBy(() -> ServerTls.load(settings(server.cert(), agency.key())))
                .isInstanceOf(IOException.class)
                .hasMessage("SERVER_TLS_KEY " + agency.key() + " is not the key of SERVER_TLS_CERT " + server.cert()
                        + " (CN=server)");
    }

    @Test
    void aBadLineOfTheRevokedListIsNamed() throws IOException {
        Path revoked = Files.writeString(dir.resolve("bad-revoked.txt"), "0x1a2b\nagency-3\n",
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RevokedCertificates.load(revoked)).isInstanceOf(IOException.class)
                .hasMessage("the revoked certificates file (SERVER_TLS_REVOKED) " + revoked + " line 2: 'agency-3' is"
                        + " neither a serial in hex (0x1A2B) nor a SHA-256 fingerprint (64 hex digits)");
    }

    @Test
    void theRevokedListTakesSerialsAndFingerprintsWithOrWithoutColons() throws IOException {
        String colons = agency.sha256().toUpperCase().replaceAll("(..)(?!$)", "$1:");
        for (String line : new String[] {"0x1A2B", "1a2b", agency.sha256(), colons}) {
            Path file = Files.writeString(dir.resolve("revoked-one.txt"), line + "\n", StandardCharsets.UTF_8);
            assertThat(RevokedCertificates.load(file).revoked(agency.certificate())).as(line).isNotNull();
        }
        Path other = Files.writeString(dir.resolve("revoked-other.txt"), "0x1a2c\n", StandardCharsets.UTF_8);
        assertThat(RevokedCertificates.load(other).revoked(agency.certificate())).isNull();
    }

    @Test
    void onlyCnAgencyNNamesAnAgency() {
        assertThat(AgencyCertificates.agencyOf(new X500Principal("CN=agency-3"))).isEqualTo(OptionalInt.of(3));
        assertThat(AgencyCertificates.agencyOf(new X500Principal("CN=agency-65535, O=Loteria")))
                .isEqualTo(OptionalInt.of(65535));
        for (String subject : new String[] {"CN=agency-0", "CN=agency-65536", "CN=agency-03", "CN=agency-3x",
            "O=agency-3", "CN=server", "CN=agency-3, CN=agency-4"}) {
            assertThat(AgencyCertificates.agencyOf(new X500Principal(subject))).as(subject).isEmpty();
        }
    }
}

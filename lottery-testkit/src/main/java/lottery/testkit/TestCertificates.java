package lottery.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for tests, in-process: its CA certificate and every certificate it issues are
 * written as PEM files (certificate; PKCS#8 unencrypted key, {@code BEGIN PRIVATE KEY}) into a directory, as
 * {@code generar-compose.sh --tls} lays them out ({@code ca.pem}, {@code server.pem}/{@code .key},
 * {@code agency-N.pem}/{@code .key}). Keys are EC P-256. Serials are chosen by the caller or counted from 0x1000, so
 * a test can revoke one by number.
 *
 * <p>Thread context: not thread-safe; one per test (class).
 */
public final class TestCertificates {
    /** Today's validity of a certificate: from an hour ago (clock skew) to a day ahead. */
    private static final Duration SKEW = Duration.ofHours(1);
    private static final Duration LIFETIME = Duration.ofDays(1);

    private final Path dir;
    private final String name;
    private final KeyPair caKeys;
    private final X509Certificate caCert;
    private final AtomicLong nextSerial = new AtomicLong(0x1000);

    /** A certificate and its key, issued by this CA. */
    public record Issued(Path cert, Path key, BigInteger serial, X509Certificate certificate) {
        /** The serial in hex, lower case, as a revocation list line may give it. */
        public String serialHex() {
            return serial.toString(16);
        }

        /** SHA-256 of the DER certificate, 64 hex digits, lower case. */
        public String sha256() {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private TestCertificates(Path dir, String name) {
        this.dir = dir;
        this.name = name;
        try {
            Files.createDirectories(dir);
            caKeys = newKeys();
            X500Name subject = new X500Name("CN=" + name);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE,
                    Date.from(now.minus(SKEW)), Date.from(now.plus(LIFETIME)), subject, caKeys.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(caKeys.getPublic()));
            caCert = sign(builder, caKeys.getPrivate());
            writeCert(dir.resolve("ca.pem"), caCert);
            writeKey(dir.resolve("ca.key"), caKeys.getPrivate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the test CA", e);
        }
    }

    /** A new CA named "lottery test CA" writing into {@code dir} (created when missing). */
    public static TestCertificates create(Path dir) {
        return new TestCertificates(dir, "lottery test CA");
    }

    /** A new CA with another name (and other keys): a CA the server or the client does not trust. */
    public static TestCertificates create(Path dir, String caName) {
        return new TestCertificates(dir, caName);
    }

    /** The CA certificate, PEM ({@code ca.pem}). */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /**
     * The server's certificate ({@code server.pem}, {@code server.key}): CN=server, SAN DNS:server, DNS:localhost,
     * IP:127.0.0.1 and {@code extraNames} (DNS).
     */
    public Issued server(String... extraNames) {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, "server"));
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        for (String extra : extraNames) {
            names.add(new GeneralName(GeneralName.dNSName, extra));
        }
        return issue("server", "CN=server", nextSerial(), validNow(), names, KeyPurposeId.id_kp_serverAuth);
    }

    /** Agency {@code n}'s certificate ({@code agency-N.pem}, {@code agency-N.key}): CN=agency-N, valid now. */
    public Issued agency(int n) {
        return agency(n, nextSerial());
    }

    /** Agency {@code n}'s certificate with the serial {@code serial}. */
    public Issued agency(int n, BigInteger serial) {
        return issue("agency-" + n, "CN=agency-" + n, serial, validNow(), List.of(), KeyPurposeId.id_kp_clientAuth);
    }

    /** Agency {@code n}'s certificate that expired an hour ago ({@code agency-N-expired.pem}). */
    public Issued expiredAgency(int n) {
        Instant now = Instant.now();
        return issue("agency-" + n + "-expired", "CN=agency-" + n, nextSerial(),
                new Instant[] {now.minus(Duration.ofDays(2)), now.minus(SKEW)}, List.of(),
                KeyPurposeId.id_kp_clientAuth);
    }

    /** A client certificate with any subject ({@code file}.pem / .key), e.g. {@code CN=somebody}. */
    public Issued client(String file, String subject) {
        return issue(file, subject, nextSerial(), validNow(), List.of(), KeyPurposeId.id_kp_clientAuth);
    }

    @Override
    public String toString() {
        return "TestCertificates[" + name + " in " + dir + "]";
    }

    private BigInteger nextSerial() {
        return BigInteger.valueOf(nextSerial.getAndIncrement());
    }

    private static Instant[] validNow() {
        Instant now = Instant.now();
        return new Instant[] {now.minus(SKEW), now.plus(LIFETIME)};
    }

    private Issued issue(String file, String subject, BigInteger serial, Instant[] validity, List<GeneralName> names,
                         KeyPurposeId purpose) {
        try {
            KeyPair keys = newKeys();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCert, serial,
                    Date.from(validity[0]), Date.from(validity[1]), new X500Name(subject), keys.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            utils.createAuthorityKeyIdentifier(caCert))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(keys.getPublic()));
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            X509Certificate cert = sign(builder, caKeys.getPrivate());
            Path certFile = dir.resolve(file + ".pem");
            Path keyFile = dir.resolve(file + ".key");
            writeCert(certFile, cert);
            writeKey(keyFile, keys.getPrivate());
            return new Issued(certFile, keyFile, serial, cert);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue " + subject, e);
        }
    }

    private static KeyPair newKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    /** Writes {@code cert} as PEM. */
    public static void writeCert(Path file, X509Certificate cert) throws IOException {
        try {
            writePem(file, "CERTIFICATE", cert.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static void writeKey(Path file, PrivateKey key) throws IOException {
        writePem(file, "PRIVATE KEY", key.getEncoded()); // PKCS#8
    }

    private static void writePem(Path file, String type, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n",
                StandardCharsets.US_ASCII);
    }

    /** The loopback address the server certificate names (IP:127.0.0.1). */
    public static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }
}

package lottery.server.net;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import lottery.common.log.LogText;

/**
 * TLS on the lottery port, loaded: the server's {@link SslContext} (Netty's {@code SslHandler} on the JDK provider),
 * the agency certificates' trust ({@link AgencyCertificates}) and whether the plain lottery protocol is still
 * accepted. {@link #load} reads and checks every file at start, so a wrong one stops the server with one line naming
 * it instead of failing every handshake later: a missing or unreadable file, a PEM without a certificate or a
 * PKCS#8 key, a key that is not the certificate's, a bad line of the revoked list.
 *
 * <p>Thread context: immutable once loaded; the event loops make their handlers from it.
 */
public final class ServerTls {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    private final SslContext context;
    private final boolean allowPlain;
    private final String line;

    private ServerTls(SslContext context, boolean allowPlain, String line) {
        this.context = context;
        this.allowPlain = allowPlain;
        this.line = line;
    }

    /**
     * Reads and checks the files of {@code settings}.
     *
     * @throws IOException naming the key (SERVER_TLS_...) and the file, with what is wrong
     */
    public static ServerTls load(TlsSettings settings) throws IOException {
        List<X509Certificate> chain = certificates(settings.cert(), "SERVER_TLS_CERT");
        PrivateKey key = privateKey(settings.key());
        checkPair(chain.get(0), key, settings);
        RevokedCertificates revoked = settings.revoked() == null ? RevokedCertificates.NONE
                : RevokedCertificates.load(settings.revoked());
        SslContextBuilder builder = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                .sslProvider(SslProvider.JDK);
        if (settings.clientCa() != null) {
            List<X509Certificate> cas = certificates(settings.clientCa(), "SERVER_TLS_CLIENT_CA");
            builder.trustManager(trust(cas, revoked))
                    .clientAuth(settings.clientAuth() == TlsSettings.ClientAuth.REQUIRE ? ClientAuth.REQUIRE
                            : ClientAuth.OPTIONAL);
        }
        SslContext context;
        try {
            context = builder.build();
        } catch (SSLException e) {
            throw new IOException("cannot set up TLS with SERVER_TLS_CERT " + settings.cert() + ": "
                    + LogText.describe(e), e);
        }
        X509Certificate leaf = chain.get(0);
        String line = "action: tls | result: success | cert: " + LogText.clean(settings.cert().toString())
                + " | subject: " + LogText.clean(leaf.getSubjectX500Principal().getName())
                + " | not_after: " + DateTimeFormatter.ISO_INSTANT.format(
                        leaf.getNotAfter().toInstant().atOffset(ZoneOffset.UTC))
                + " | client_ca: " + (settings.clientCa() == null ? "none"
                        : LogText.clean(settings.clientCa().toString()))
                + " | client_auth: " + settings.clientAuth().name().toLowerCase(java.util.Locale.ROOT)
                + " | revoked: " + revoked.size() + " | plain: " + (settings.allowPlain() ? "allowed" : "refused");
        return new ServerTls(context, settings.allowPlain(), line);
    }

    /** The start-up line, {@code action: tls | result: success | cert: ... | plain: refused|allowed}. */
    public String logLine() {
        return line;
    }

    /** Whether the plain lottery protocol is accepted too (SERVER_TLS_ALLOW_PLAIN). */
    boolean allowPlain() {
        return allowPlain;
    }

    /**
     * A new server-side handler for one connection. Its own handshake timeout is off: the connection's
     * {@link HandshakeDeadline} (SERVER_HANDSHAKE_TIMEOUT_SECONDS) covers the TLS handshake and the HELLO together.
     */
    SslHandler newHandler(ByteBufAllocator alloc) {
        SslHandler handler = context.newHandler(alloc);
        handler.setHandshakeTimeout(0, TimeUnit.MILLISECONDS);
        return handler;
    }

    private static TrustManager trust(List<X509Certificate> cas, RevokedCertificates revoked) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager pkix) {
                    return new AgencyCertificates(pkix, revoked);
                }
            }
            throw new IOException("the JDK has no X509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use SERVER_TLS_CLIENT_CA: " + LogText.describe(e), e);
        }
    }

    /** The certificates of a PEM file, in order; at least one. */
    static List<X509Certificate> certificates(Path file, String key) throws IOException {
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (byte[] der : pemBlocks(file, key, "CERTIFICATE")) {
                certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException e) {
            throw new IOException(key + " " + file + ": not a valid X.509 certificate: " + LogText.describe(e), e);
        }
        if (certs.isEmpty()) {
            throw new IOException(key + " " + file + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        }
        return certs;
    }

    /** The private key of a PEM file: PKCS#8 unencrypted, EC or RSA. */
    static PrivateKey privateKey(Path file) throws IOException {
        List<byte[]> blocks = pemBlocks(file, "SERVER_TLS_KEY", "PRIVATE KEY");
        if (blocks.size() != 1) {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            String hint = text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
                    ? "the key is encrypted; the server takes an unencrypted PKCS#8 key"
                    : text.contains("-----BEGIN EC PRIVATE KEY-----") || text.contains("-----BEGIN RSA PRIVATE KEY-----")
                            ? "the key is not PKCS#8; convert it: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8"
                            : blocks.isEmpty() ? "no PEM private key (-----BEGIN PRIVATE KEY-----) in it"
                                    : "more than one private key in it";
            throw new IOException("SERVER_TLS_KEY " + file + ": " + hint);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(blocks.get(0));
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // the next algorithm
            }
        }
        throw new IOException("SERVER_TLS_KEY " + file + ": not an EC, RSA or Ed25519 PKCS#8 private key");
    }

    /** Signs a random challenge with {@code key} and verifies it with the certificate: they must be one pair. */
    private static void checkPair(X509Certificate cert, PrivateKey key, TlsSettings settings) throws IOException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> key.getAlgorithm();
        };
        boolean match;
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(challenge);
            match = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            match = false;
        }
        if (!match) {
            throw new IOException("SERVER_TLS_KEY " + settings.key() + " is not the key of SERVER_TLS_CERT "
                    + settings.cert() + " (" + LogText.clean(cert.getSubjectX500Principal().getName()) + ")");
        }
    }

    private static List<byte[]> pemBlocks(Path file, String key, String type) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1); // any bytes: a DER file is not PEM, not unreadable
        } catch (IOException e) {
            throw new IOException("cannot read " + key + ": " + LogText.describe(e), e);
        }
        List<byte[]> blocks = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                try {
                    blocks.add(Base64.getMimeDecoder().decode(m.group(2)));
                } catch (IllegalArgumentException e) {
                    throw new IOException(key + " " + file + ": a " + type + " block is not valid base64", e);
                }
            }
        }
        return blocks;
    }
}

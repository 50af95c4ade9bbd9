package lottery.loadgen;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import lottery.common.log.LogText;

/**
 * The synthetic agencies' TLS ({@code --tls-ca}, {@code --tls-cert-dir}, {@code --tls-server-name}), as the real
 * client does it (lottery-client's ClientTls): the JDK provider, trusting only the CA of {@code --tls-ca}, verifying
 * that the server's certificate names the server (endpoint identification "HTTPS") and, with a certificate
 * directory, agency K proving its identity with {@code DIR/agency-K.pem} and {@code DIR/agency-K.key} (the layout
 * of {@code generar-compose.sh --tls}). One context per certificate, read once before the run; without a directory
 * one context serves every agency.
 *
 * <p>Thread context: immutable once built; the event loops make a handler per connection from it.
 */
final class AgencyTls {
    /** Substrings of a final TLS failure (lower case) and what they usually mean, first match wins; no match: retry. */
    private static final String[][] HINTS = {
        {"certificate_required", "the server requires an agency certificate: pass --tls-cert-dir"},
        {"received fatal alert: handshake_failure", "the server refused the handshake: is TLS on at the server?"},
        {"received fatal alert", "the server refused the agency's certificate (another CA, expired, revoked or"
                + " not CN=agency-N)"},
        {"pkix", "the server's certificate is not signed by the CA of --tls-ca"},
        {"certification path", "the server's certificate is not signed by the CA of --tls-ca"},
        {"no subject alternative", "the server's certificate does not name the server (--tls-server-name)"},
        {"no name matching", "the server's certificate does not name the server (--tls-server-name)"},
        {"expired", "a certificate has expired"},
        {"certificate", "a certificate was refused"},
    };

    private final SslContext shared;
    private final Map<Integer, SslContext> byAgency;
    private final String serverName;

    private AgencyTls(SslContext shared, Map<Integer, SslContext> byAgency, String serverName) {
        this.shared = shared;
        this.byAgency = byAgency;
        this.serverName = serverName;
    }

    /**
     * Reads the PEM files of the options' TLS settings for its agencies.
     *
     * @return {@code null} when the options have no TLS
     * @throws IOException naming the option, the file and what is wrong with it
     */
    static AgencyTls load(LoadGenOptions options) throws IOException {
        LoadGenOptions.Tls tls = options.tls();
        if (tls == null) {
            return null;
        }
        requireFile("--tls-ca", tls.ca());
        if (tls.certDir() == null) {
            return new AgencyTls(context(tls.ca(), null, null), Map.of(), tls.serverName());
        }
        Map<Integer, SslContext> byAgency = new HashMap<>();
        for (int agency = options.firstAgency(); agency <= options.lastAgency(); agency++) {
            Path cert = tls.certDir().resolve("agency-" + agency + ".pem");
            Path key = tls.certDir().resolve("agency-" + agency + ".key");
            requireFile("--tls-cert-dir", cert);
            requireFile("--tls-cert-dir", key);
            byAgency.put(agency, context(tls.ca(), cert, key));
        }
        return new AgencyTls(null, Map.copyOf(byAgency), tls.serverName());
    }

    private static void requireFile(String option, Path file) throws IOException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IOException(option + ": " + file + " is not a readable file");
        }
    }

    private static SslContext context(Path ca, Path cert, Path key) throws IOException {
        String files = "--tls-ca " + ca + (cert == null ? "" : ", " + cert + ", " + key);
        try {
            SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(
                    ca.toFile());
            if (cert != null) {
                builder.keyManager(cert.toFile(), key.toFile());
            }
            return builder.build();
        } catch (SSLException | RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new IOException(files + ": not a PEM certificate and PKCS#8 key that fit ("
                    + LogText.clean(String.valueOf(root.getMessage())) + ")", e);
        }
    }

    /** A handler for one connection of {@code agency} to {@code host:port}, verifying the server's name. */
    SslHandler newHandler(int agency, ByteBufAllocator alloc, String host, int port) {
        SslContext context = shared != null ? shared : byAgency.get(agency);
        SslHandler handler = context.newHandler(alloc, serverName != null ? serverName : host, port);
        SSLParameters parameters = handler.engine().getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        handler.engine().setSSLParameters(parameters);
        return handler;
    }

    /**
     * Why {@code cause} ends the agency for good: a TLS alert or a certificate problem ({@link #HINTS}), which the
     * next attempt would meet again; {@code null} for anything else (not TLS, a handshake timeout, a connection closed
     * or reset during the handshake, an engine already closed: reconnect, as the chaos test's server kills want).
     */
    static String finalFailure(Throwable cause) {
        Throwable tls = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (!(tls instanceof SSLException) || tls instanceof SslHandshakeTimeoutException) {
            return null;
        }
        String message = String.valueOf(tls.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        for (String[] entry : HINTS) {
            if (lower.contains(entry[0])) {
                return "tls: " + entry[1] + " (" + LogText.clean(message) + ")";
            }
        }
        return null;
    }
}

package lottery.client.net;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import lottery.common.log.LogText;

/**
 * TLS to the server (client tls.ca, tls.cert, tls.key, tls.serverName): Netty's {@code SslHandler} on the JDK
 * provider, trusting only the CA of tls.ca, verifying that the server's certificate names the server (endpoint
 * identification "HTTPS": the name, or the IP literal, in its subject alternative names) and, with tls.cert, proving
 * the agency's identity with its certificate.
 *
 * <p>Thread context: immutable once built; the event loop makes a handler per connection from it.
 */
public final class ClientTls {
    private final SslContext context;
    /** The name the server's certificate must carry; null = the host of server.address. */
    private final String serverName;
    private final boolean withCertificate;

    private ClientTls(SslContext context, String serverName, boolean withCertificate) {
        this.context = context;
        this.serverName = serverName;
        this.withCertificate = withCertificate;
    }

    /**
     * Reads the PEM files.
     *
     * @param ca         the CA certificate(s) the server's certificate must chain to
     * @param cert       the agency's certificate chain, or null for none
     * @param key        its PKCS#8 key (null exactly when {@code cert} is)
     * @param serverName the name to verify, or null for the host of server.address
     * @throws IOException naming the file and what is wrong with it
     */
    public static ClientTls load(Path ca, Path cert, Path key, String serverName) throws IOException {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
        try {
            builder.trustManager(ca.toFile());
        } catch (IllegalArgumentException e) {
            throw new IOException("tls.ca " + ca + ": " + describe(e), e);
        }
        if (cert != null) {
            try {
                builder.keyManager(cert.toFile(), key.toFile());
            } catch (IllegalArgumentException e) {
                throw new IOException("tls.cert " + cert + " / tls.key " + key + ": " + describe(e), e);
            }
        }
        try {
            return new ClientTls(builder.build(), serverName, cert != null);
        } catch (SSLException | RuntimeException e) {
            throw new IOException("tls.ca " + ca + (cert == null ? "" : ", tls.cert " + cert + ", tls.key " + key)
                    + ": " + describe(e), e);
        }
    }

    /** What the config_details line says: {@code on (server name: X, agency certificate: yes|no)}. */
    public String describeSettings() {
        return "on, server_name: " + (serverName == null ? "(server.address host)" : serverName)
                + ", agency_certificate: " + (withCertificate ? "yes" : "no");
    }

    /** A handler for one connection to {@code host:port}, verifying {@link #serverName} or else {@code host}. */
    SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
        String name = serverName != null ? serverName : host;
        SslHandler handler = context.newHandler(alloc, name, port);
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        return handler;
    }

    /** The name the handshake verifies for {@code host}. */
    String nameFor(String host) {
        return serverName != null ? serverName : host;
    }

    /**
     * Whether {@code cause} of a failed handshake or of a TLS error is final (a certificate problem or an alert: the
     * next attempt gets the same) rather than a connection that went away or timed out during the handshake.
     */
    static boolean isFinal(Throwable cause) {
        Throwable tls = unwrap(cause);
        if (!(tls instanceof SSLException) || tls instanceof SslHandshakeTimeoutException) {
            return false;
        }
        String message = String.valueOf(tls.getMessage()).toLowerCase(Locale.ROOT);
        return !message.contains("closed while") && !message.contains("connection reset");
    }

    static Throwable unwrap(Throwable cause) {
        return cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    }

    /** A clear line for a final TLS failure: what happened, and the usual reason for it. */
    static String explain(Throwable cause, String name) {
        Throwable tls = unwrap(cause);
        String message = tls.getMessage() == null ? tls.getClass().getSimpleName() : tls.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        String hint;
        if (lower.contains("received fatal alert: handshake_failure")) {
            hint = "the server refused the TLS handshake: is TLS on at the server (SERVER_TLS_CERT)?";
        } else if (lower.contains("received fatal alert: certificate_required")) {
            hint = "the server requires an agency certificate: set tls.cert and tls.key";
        } else if (lower.contains("received fatal alert")) {
            hint = "the server refused this agency's certificate (not signed by its SERVER_TLS_CLIENT_CA, expired,"
                    + " revoked, or not CN=agency-N); see the server's tls_handshake line";
        } else if (lower.contains("pkix") || lower.contains("certification path")) {
            hint = "the server's certificate is not signed by the CA of tls.ca";
        } else if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
            hint = "the server's certificate does not name " + name + " (tls.serverName)";
        } else if (lower.contains("notafter") || lower.contains("expired")) {
            hint = "the server's certificate has expired";
        } else {
            hint = "TLS failed";
        }
        return hint + " (" + LogText.clean(message) + ")";
    }

    private static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (root != e && root.getMessage() != null && !text.contains(root.getMessage())) {
            text += ": " + root.getMessage();
        }
        return LogText.clean(text);
    }
}

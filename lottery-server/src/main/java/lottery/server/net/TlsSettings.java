package lottery.server.net;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS on the lottery port, as configured (the files are read by {@link ServerTls#load} when the server starts).
 *
 * @param cert       the server's certificate chain, PEM (SERVER_TLS_CERT)
 * @param key        its private key, PEM PKCS#8 unencrypted (SERVER_TLS_KEY)
 * @param clientCa   the CA bundle agency certificates are verified against, PEM; null = no agency certificates
 *                   (SERVER_TLS_CLIENT_CA)
 * @param clientAuth whether an agency certificate is required or optional ({@link ClientAuth#OFF} without
 *                   {@code clientCa}) (SERVER_TLS_CLIENT_AUTH)
 * @param revoked    the file of revoked agency certificates (serials or SHA-256 fingerprints); null = none
 *                   (SERVER_TLS_REVOKED)
 * @param allowPlain whether the plain lottery protocol is still accepted (SERVER_TLS_ALLOW_PLAIN)
 */
public record TlsSettings(Path cert, Path key, Path clientCa, ClientAuth clientAuth, Path revoked,
                          boolean allowPlain) {

    /** Agency certificates: asked for and required, asked for and optional, or not asked for. */
    public enum ClientAuth { REQUIRE, OPTIONAL, OFF }

    public TlsSettings {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(clientAuth, "clientAuth");
        if ((clientCa == null) != (clientAuth == ClientAuth.OFF)) {
            throw new IllegalArgumentException("SERVER_TLS_CLIENT_AUTH needs SERVER_TLS_CLIENT_CA, and the CA needs"
                    + " require or optional");
        }
        if (revoked != null && clientCa == null) {
            throw new IllegalArgumentException("SERVER_TLS_REVOKED needs SERVER_TLS_CLIENT_CA (it lists agency"
                    + " certificates)");
        }
    }
}

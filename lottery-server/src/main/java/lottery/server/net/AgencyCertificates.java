package lottery.server.net;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * Verifies an agency's certificate during the TLS handshake: first the JDK's PKIX checks against SERVER_TLS_CLIENT_CA
 * (chain, signature, validity, key usage), then this server's own: not revoked (SERVER_TLS_REVOKED), and a subject
 * that names an agency ({@code CN=agency-N}). A failure fails the handshake: the agency gets a TLS alert, the server
 * logs the reason ({@link TlsHandshakeHandler}).
 *
 * <p>Thread context: immutable; the event loops call it during their handshakes.
 */
final class AgencyCertificates extends X509ExtendedTrustManager {
    private static final Pattern AGENCY_CN = Pattern.compile("agency-([1-9][0-9]{0,4})");

    private final X509ExtendedTrustManager pkix;
    private final RevokedCertificates revoked;

    AgencyCertificates(X509ExtendedTrustManager pkix, RevokedCertificates revoked) {
        this.pkix = pkix;
        this.revoked = revoked;
    }

    /** The agency a certificate's subject names ({@code CN=agency-N}, 1..65535), or empty. */
    static OptionalInt agencyOf(X509Certificate cert) {
        return agencyOf(cert.getSubjectX500Principal());
    }

    static OptionalInt agencyOf(X500Principal subject) {
        String cn = null;
        try {
            for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    if (cn != null) {
                        return OptionalInt.empty(); // two CNs: ambiguous, no agency
                    }
                    cn = String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return OptionalInt.empty();
        }
        if (cn == null) {
            return OptionalInt.empty();
        }
        Matcher m = AGENCY_CN.matcher(cn);
        if (!m.matches() || Integer.parseInt(m.group(1)) > 65535) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(m.group(1)));
    }

    private void checkAgency(X509Certificate[] chain) throws CertificateException {
        X509Certificate leaf = chain[0];
        String why = revoked.revoked(leaf);
        if (why != null) {
            throw new CertificateException("the agency certificate " + leaf.getSubjectX500Principal().getName()
                    + " is revoked (" + why + ")");
        }
        if (agencyOf(leaf).isEmpty()) {
            throw new CertificateException("the certificate's subject " + leaf.getSubjectX500Principal().getName()
                    + " names no agency (CN=agency-N)");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        pkix.checkClientTrusted(chain, authType, engine);
        checkAgency(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        pkix.checkClientTrusted(chain, authType, socket);
        checkAgency(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
        checkAgency(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("the server verifies agencies only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("the server verifies agencies only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the server verifies agencies only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}

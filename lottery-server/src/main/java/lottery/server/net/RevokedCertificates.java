package lottery.server.net;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import lottery.common.log.LogText;

/**
 * The revoked agency certificates (SERVER_TLS_REVOKED), read once at start: one per line, a serial in hex
 * ({@code 0x1A2B} or {@code 1a2b}, at most 40 digits: a serial has at most 20 bytes) or a SHA-256 fingerprint of the
 * DER certificate (64 hex digits, colons allowed, as {@code openssl x509 -fingerprint -sha256} prints it); {@code #}
 * comment lines and blank lines.
 *
 * <p>Thread context: immutable once loaded; the event loops read it during handshakes.
 */
final class RevokedCertificates {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
    static final RevokedCertificates NONE = new RevokedCertificates(Set.of(), Set.of());

    private final Set<BigInteger> serials;
    private final Set<String> fingerprints;

    private RevokedCertificates(Set<BigInteger> serials, Set<String> fingerprints) {
        this.serials = serials;
        this.fingerprints = fingerprints;
    }

    /**
     * Reads {@code file}.
     *
     * @throws IOException naming the file and the line: unreadable, or a line that is neither form
     */
    static RevokedCertificates load(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read the revoked certificates (SERVER_TLS_REVOKED): "
                    + LogText.describe(e), e);
        }
        Set<BigInteger> serials = new HashSet<>();
        Set<String> fingerprints = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String text = line.toLowerCase(Locale.ROOT);
            String digits = text.replace(":", "");
            if (digits.length() == 64 && HEX.matcher(digits).matches()) {
                fingerprints.add(digits);
                continue;
            }
            String serial = text.startsWith("0x") ? text.substring(2) : text;
            if (text.contains(":") || serial.isEmpty() || serial.length() > 40 || !HEX.matcher(serial).matches()) {
                throw new IOException("the revoked certificates file (SERVER_TLS_REVOKED) " + file + " line "
                        + (i + 1) + ": '" + LogText.clean(line) + "' is neither a serial in hex (0x1A2B) nor a"
                        + " SHA-256 fingerprint (64 hex digits)");
            }
            serials.add(new BigInteger(serial, 16));
        }
        return new RevokedCertificates(Set.copyOf(serials), Set.copyOf(fingerprints));
    }

    /** How many certificates are listed. */
    int size() {
        return serials.size() + fingerprints.size();
    }

    /** Why {@code cert} is revoked ({@code serial 0x1a2b} or {@code sha256 ab12...}), or null when it is not. */
    String revoked(X509Certificate cert) {
        if (serials.contains(cert.getSerialNumber())) {
            return "serial 0x" + cert.getSerialNumber().toString(16);
        }
        if (!fingerprints.isEmpty()) {
            String sha256 = sha256(cert);
            if (fingerprints.contains(sha256)) {
                return "sha256 " + sha256;
            }
        }
        return null;
    }

    static String sha256(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot digest a certificate", e);
        }
    }
}

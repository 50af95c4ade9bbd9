package lottery.server.round;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lottery.common.log.LogText;

/**
 * The agencies' secrets (SERVER_SECRETS_FILE): lines {@code AGENCY = SECRET}, {@code #} comment lines and blank
 * lines. Only SHA-256 digests are kept, and a HELLO's secret is checked by comparing digests with
 * {@link MessageDigest#isEqual}, so the time taken does not depend on where the secrets differ. A secret is never
 * logged.
 *
 * <p>Thread context: immutable once built.
 */
public final class AgencySecrets {
    private static final AgencySecrets NONE = new AgencySecrets(null);

    /** Digest per agency; null = agencies are not authenticated. */
    private final Map<Integer, byte[]> digests;

    private AgencySecrets(Map<Integer, byte[]> digests) {
        this.digests = digests;
    }

    /** No secrets: any client may act as any agency. */
    public static AgencySecrets none() {
        return NONE;
    }

    /** Secrets given in code (tests). */
    public static AgencySecrets of(Map<Integer, String> secrets) {
        Map<Integer, byte[]> digests = new HashMap<>();
        secrets.forEach((agency, secret) -> digests.put(agency, digest(secret)));
        return new AgencySecrets(digests);
    }

    /**
     * Reads {@code file}.
     *
     * @param agencies the agencies of the draw (1..agencies); 0 = any positive agency
     * @throws IOException naming the file and the line: unreadable, a bad line, a duplicate agency, an agency outside
     *                     the draw or an empty secret
     */
    public static AgencySecrets load(Path file, int agencies) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read the secrets file (SERVER_SECRETS_FILE): " + LogText.describe(e), e);
        }
        Map<Integer, byte[]> digests = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "the secrets file " + file + " line " + (i + 1) + ": ";
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw new IOException(where + "not AGENCY = SECRET");
            }
            int agency;
            try {
                agency = Integer.parseInt(line.substring(0, equals).strip());
            } catch (NumberFormatException e) {
                throw new IOException(where + "the agency is not a number");
            }
            if (agency < 1 || (agencies > 0 && agency > agencies)) {
                throw new IOException(where + "agency " + agency + " does not take part in the draw");
            }
            String secret = line.substring(equals + 1).strip();
            if (secret.isEmpty()) {
                throw new IOException(where + "the secret of agency " + agency + " is empty");
            }
            if (digests.put(agency, digest(secret)) != null) {
                throw new IOException(where + "agency " + agency + " has a secret already");
            }
        }
        return new AgencySecrets(digests);
    }

    /** Whether HELLO must carry the agency's secret. */
    public boolean enabled() {
        return digests != null;
    }

    /** Agencies with a secret. */
    public int size() {
        return digests == null ? 0 : digests.size();
    }

    /** Whether {@code secret} is {@code agency}'s; always true when not {@link #enabled}. */
    boolean matches(int agency, String secret) {
        if (digests == null) {
            return true;
        }
        byte[] expected = digests.get(agency);
        boolean equal = MessageDigest.isEqual(expected == null ? NoSecret.DIGEST : expected,
                digest(secret == null ? "" : secret));
        return expected != null && equal;
    }

    /**
     * Compared against when an agency has no secret, so that case takes the same time. A holder, made at the first
     * such HELLO: a server without secrets never initialises the JDK's security providers for it (it did so at every
     * start, before the port was bound).
     */
    private static final class NoSecret {
        static final byte[] DIGEST = digest("\u0000no secret\u0000");
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}

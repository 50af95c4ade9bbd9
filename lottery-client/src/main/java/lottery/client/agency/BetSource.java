package lottery.client.agency;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Where an agency's bets are read from: the CSV file itself ({@code /data/agency-3.csv}) or, when that file does not
 * exist, the entry of the same name inside the course's zip in the same directory ({@code dataset.zip}, or
 * {@code datasets.zip} as the statement spells it). The course ships its data zipped in {@code .data/} and its
 * black-box tests never unzip it, so a client whose file was not extracted still finds its bets.
 *
 * @param file  the CSV file, or the zip that holds it
 * @param entry the zip entry's name, or {@code null} for a plain file
 */
public record BetSource(Path file, String entry) {

    /** Zip names looked for beside a missing CSV file, in this order. */
    public static final List<String> ZIP_NAMES = List.of("dataset.zip", "datasets.zip");

    /** Where the bets of {@code csv} are: the file when it is readable, else a zip entry beside it, else none. */
    public static Optional<BetSource> locate(Path csv) {
        if (Files.isRegularFile(csv) && Files.isReadable(csv)) {
            return Optional.of(new BetSource(csv, null));
        }
        if (Files.exists(csv) || csv.getFileName() == null) {
            return Optional.empty(); // there but unreadable (or a directory): do not read something else instead
        }
        Path dir = csv.toAbsolutePath().getParent();
        String name = csv.getFileName().toString();
        for (String zipName : ZIP_NAMES) {
            Path zip = dir.resolve(zipName);
            if (Files.isRegularFile(zip) && Files.isReadable(zip)) {
                Optional<String> entry = findEntry(zip, name);
                if (entry.isPresent()) {
                    return Optional.of(new BetSource(zip, entry.get()));
                }
            }
        }
        return Optional.empty();
    }

    /** The entry of {@code zip} whose file name (last path segment) is {@code name}; a zip that cannot be read has none. */
    private static Optional<String> findEntry(Path zip, String name) {
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            return archive.stream()
                    .filter(e -> !e.isDirectory())
                    .map(ZipEntry::getName)
                    .filter(n -> n.equals(name) || n.endsWith("/" + name))
                    // the shallowest, then the first by name, whatever the zip's order
                    .min(Comparator.comparingLong((String n) -> n.chars().filter(c -> c == '/').count())
                            .thenComparing(Comparator.naturalOrder()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** How the log lines name this source: the path, or {@code zip!entry}. */
    @Override
    public String toString() {
        return entry == null ? file.toString() : file + "!" + entry;
    }

    /** The source's size in bytes (uncompressed for a zip entry; -1 when the zip does not say). */
    long size(ZipFile archive) throws IOException {
        return entry == null ? Files.size(file) : archive.getEntry(entry).getSize();
    }

    /** Opens the zip of this source, or returns {@code null} for a plain file. */
    ZipFile openArchive() throws IOException {
        return entry == null ? null : new ZipFile(file.toFile());
    }

    /** The bytes of the source; for a zip entry, {@code archive} must be {@link #openArchive()}'s result. */
    InputStream open(ZipFile archive) throws IOException {
        if (entry == null) {
            return Files.newInputStream(file);
        }
        ZipEntry zipEntry = archive.getEntry(entry);
        if (zipEntry == null) {
            throw new IOException("no entry " + entry + " in " + file);
        }
        return archive.getInputStream(zipEntry);
    }
}

package lottery.client.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import lottery.protocol.message.Bet;

/** The course data set ({@code ../shared/data/dataset.zip} beside the repository), unzipped on demand. */
public final class Dataset {
    private Dataset() {
    }

    /** The zip: the repository is this module's parent directory. */
    public static Path zip() {
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        Path zip = module.getParent().resolve("../shared/data/dataset.zip").normalize();
        assertThat(zip).as("the course data set beside the repository").isRegularFile();
        return zip;
    }

    /** Unzips the entries named {@code names} (e.g. {@code agency-1.csv}) into {@code dir}. */
    public static void extract(Path dir, String... names) throws IOException {
        Set<String> wanted = Set.of(names);
        try (InputStream file = Files.newInputStream(zip()); ZipInputStream zip = new ZipInputStream(file)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (wanted.contains(entry.getName())) {
                    Files.copy(zip, dir.resolve(entry.getName()));
                }
            }
        }
        for (String name : names) {
            assertThat(dir.resolve(name)).isRegularFile();
        }
    }

    /**
     * The bets of a course file read without any CSV library: the course data has no quoting, so splitting on
     * commas is exact. An independent oracle for what the client must send.
     */
    public static List<Bet> parsePlain(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isEmpty())
                .map(line -> line.split(",", -1))
                .map(f -> new Bet(f[0], f[1], f[2], LocalDate.parse(f[3]), Integer.parseInt(f[4])))
                .toList();
    }
}

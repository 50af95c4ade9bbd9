package lottery.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The course data set, {@code shared/data/dataset.zip}: found by walking up from the working directory (the module
 * when Maven runs the tests; CI keeps {@code shared/} beside the clone), and unzipped into a test's directory.
 */
final class CourseData {
    static final Path RELATIVE = Path.of("shared", "data", "dataset.zip");

    private CourseData() {
    }

    /** The zip in the nearest directory, from the working directory up to the root, that holds one. */
    static Path zip() {
        Optional<Path> found = Optional.empty();
        // Bounded by the depth of the working directory.
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null && found.isEmpty();
             dir = dir.getParent()) {
            found = Optional.of(dir.resolve(RELATIVE)).filter(Files::isRegularFile);
        }
        assertThat(found).as("%s in %s or above", RELATIVE, System.getProperty("user.dir")).isPresent();
        return found.orElseThrow();
    }

    /** Unzips every file of the zip straight into {@code dir}; returns their paths, in zip order. */
    static List<Path> extractAll(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (InputStream in = Files.newInputStream(zip()); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (!entry.isDirectory()) {
                    Path file = dir.resolve(Path.of(entry.getName()).getFileName().toString());
                    Files.copy(zip, file);
                    files.add(file);
                }
            }
        }
        return files;
    }
}

package lottery.server.store.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV store forces a directory wherever it creates or renames a file in it (docs/RELIABILITY.md): a file's fsync
 * makes its bytes durable, not its name. The test records each directory force with the names the directory held at
 * that moment, so a force missing, or made before the file it should cover exists, fails here.
 */
class DirectorySyncTest {
    @TempDir
    Path dir;

    /** One directory force: which directory, and the names in it when it was forced. */
    private record Forced(Path dir, Set<String> names) {
    }

    private final List<Forced> forced = new ArrayList<>();

    private final DirectorySync recorder = directory -> {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> entries = Files.list(directory)) {
            entries.forEach(entry -> names.add(entry.getFileName().toString()));
        }
        forced.add(new Forced(directory.toAbsolutePath(), names));
    };

    @Test
    void aNewRoundForcesItsDirectoryOnceBothFilesExist() throws IOException {
        Path bets = dir.resolve("bets.csv");
        try (CsvBetStore store = CsvBetStore.newRound(bets, 5, false, recorder)) {
            assertThat(store).isNotNull();
        }

        assertThat(forced).containsExactly(new Forced(dir.toAbsolutePath(), Set.of("bets.csv", "bets.csv.round")));
    }

    @Test
    void directoriesItCreatesAreForcedInTheirParentsTopDown() throws IOException {
        Path bets = dir.resolve("state/round/bets.csv");
        try (CsvBetStore store = CsvBetStore.newRound(bets, 5, false, recorder)) {
            assertThat(store).isNotNull();
        }

        assertThat(forced).containsExactly(
                new Forced(dir.toAbsolutePath(), Set.of("state")),
                new Forced(dir.resolve("state").toAbsolutePath(), Set.of("round")),
                new Forced(dir.resolve("state/round").toAbsolutePath(), Set.of("bets.csv", "bets.csv.round")));
    }

    @Test
    void archivingARoundForcesTheDirectoryAfterTheRenames() throws IOException {
        Path bets = dir.resolve("bets.csv");
        try (CsvBetStore store = CsvBetStore.newRound(bets, 1, false, DirectorySync.FSYNC)) {
            store.append(1, 1, lottery.server.support.Bets.range(1, 0, 3));
        }
        Clock clock = Clock.fixed(Instant.parse("2026-12-07T10:15:30Z"), ZoneOffset.UTC);

        assertThat(CsvBetStore.archiveExisting(bets, () -> clock, recorder)).contains(dir.resolve("bets-20261207-101530.csv"));

        assertThat(forced).containsExactly(new Forced(dir.toAbsolutePath(),
                Set.of("bets-20261207-101530.csv", "bets-20261207-101530.csv.round")));
    }

    @Test
    void theRealOneForcesADirectory() throws IOException {
        DirectorySync.FSYNC.force(dir);
        DirectorySync.FSYNC.createDirectories(dir.resolve("a/b"));

        assertThat(dir.resolve("a/b")).isDirectory();
    }
}

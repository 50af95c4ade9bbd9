package lottery.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The agency files the dataset tests run on: {@code agency-1.csv} .. {@code agency-5.csv} (UTF-8, CRLF, no header;
 * columns first_name, last_name, document, birthdate, number) in one directory under this module's {@code target/}.
 *
 * <p>Where they come from, the one rule of every module that uses it (the module directory is Maven's
 * {@code basedir}, which surefire sets, else the working directory):
 * <ol>
 *   <li>{@code -Dlottery.dataset=PATH}: that zip (a relative PATH is from the module directory). A property naming
 *       no file is an error, never a fallback.</li>
 *   <li>{@code ../../shared/data/dataset.zip} from the module: the course's zip beside the repository (CI).</li>
 *   <li>{@code ../shared/data/dataset.zip} from the module: a {@code shared/} inside the repository.</li>
 *   <li>Otherwise the project's deterministic synthetic dataset: {@code tools/data/GenerateDataset.java} at the
 *       repository root (the nearest directory above the module that holds it), run once by this JVM's own
 *       {@code java}.</li>
 * </ol>
 * Either way the files land in {@code target/dataset/<source>-<hash of the zip or generator>/}, written to a
 * temporary directory first and renamed into place, so a directory that exists is complete and later runs reuse it.
 *
 * <p>The expected figures never come from the source's own claims: {@link #expectedCounts()} counts each file's rows
 * and winners with a plain reading of its own, and for the course's zip also checks them against the figures the
 * course publishes.
 */
public final class Dataset {
    /** System property naming the zip. */
    public static final String PROPERTY = "lottery.dataset";
    public static final int AGENCIES = 5;
    /** The assignment's {@code LOTTERY_WINNER_NUMBER}; {@code has_won} is {@code bet.number == 7574}. */
    public static final int WINNING_NUMBER = 7574;
    /** The course's published figures (shared/data/README.md), checked against dataset.zip itself. */
    public static final List<Integer> COURSE_BETS = List.of(26_936, 25_518, 16_014, 9_238, 991);
    public static final int COURSE_TOTAL = 78_697;
    public static final List<Integer> COURSE_WINNERS = List.of(2, 3, 3, 2, 0);

    private static final long GENERATOR_TIMEOUT_MINUTES = 5;
    private static Dataset instance;

    /** Where the files came from. */
    public enum Source { COURSE_ZIP, GENERATED }

    /**
     * One agency file as the plain reading sees it.
     *
     * @param bets            its non-empty lines
     * @param winnerDocuments the documents of the lines whose number is 7574, in file order
     */
    public record AgencyCounts(int bets, List<String> winnerDocuments) {
        public int winners() {
            return winnerDocuments.size();
        }
    }

    private final Source source;
    private final Path origin;
    private final Path dir;

    private Dataset(Source source, Path origin, Path dir) {
        this.source = source;
        this.origin = origin;
        this.dir = dir;
    }

    /** This JVM's dataset: found or generated on first use, then the same for every test. */
    public static synchronized Dataset get() throws IOException, InterruptedException {
        if (instance == null) {
            Optional<Path> zip = courseZip();
            if (zip.isPresent()) {
                instance = new Dataset(Source.COURSE_ZIP, zip.get(), extract(zip.get()));
            } else {
                Path generator = generator();
                instance = new Dataset(Source.GENERATED, generator, generate(generator));
            }
        }
        return instance;
    }

    /** Steps 1-3 of the rule: the course's zip, if there is one. */
    public static Optional<Path> courseZip() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null) {
            Path zip = module().resolve(configured).normalize();
            if (!Files.isRegularFile(zip)) {
                throw new IllegalStateException("-D" + PROPERTY + "=" + configured + " names no file");
            }
            return Optional.of(zip);
        }
        return Stream.of("../../shared/data/dataset.zip", "../shared/data/dataset.zip")
                .map(candidate -> module().resolve(candidate).normalize())
                .filter(Files::isRegularFile)
                .findFirst();
    }

    public Source source() {
        return source;
    }

    public boolean isCourse() {
        return source == Source.COURSE_ZIP;
    }

    /** The directory holding agency-1.csv .. agency-5.csv. */
    public Path dir() {
        return dir;
    }

    public Path file(int agency) {
        return dir.resolve("agency-" + agency + ".csv");
    }

    @Override
    public String toString() {
        return source + " " + origin + " in " + dir;
    }

    /**
     * Rows and winners of every agency, by agency, counted from the files with a plain reading (lines split on
     * commas: neither dataset quotes anything). Fails unless every agency has bets and some agency has winners (a
     * check of winners against nothing proves nothing), and, for the course's zip, unless the figures are the
     * published ones.
     */
    public Map<Integer, AgencyCounts> expectedCounts() throws IOException {
        Map<Integer, AgencyCounts> counts = new TreeMap<>();
        for (int agency = 1; agency <= AGENCIES; agency++) {
            int bets = 0;
            List<String> winners = new ArrayList<>();
            for (String line : Files.readAllLines(file(agency), StandardCharsets.UTF_8)) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] fields = line.split(",", -1);
                check(fields.length == 5 && !line.contains("\uFFFD"), "%s: not a plain bet line: %s", file(agency),
                        line);
                bets++;
                if (Integer.parseInt(fields[4]) == WINNING_NUMBER) {
                    winners.add(fields[2]);
                }
            }
            check(bets > 0, "%s has no bets", file(agency));
            counts.put(agency, new AgencyCounts(bets, List.copyOf(winners)));
        }
        check(counts.values().stream().anyMatch(c -> c.winners() > 0), "no agency of %s has a winner", this);
        if (isCourse()) {
            List<Integer> bets = counts.values().stream().map(AgencyCounts::bets).toList();
            List<Integer> winners = counts.values().stream().map(AgencyCounts::winners).toList();
            check(bets.equals(COURSE_BETS) && winners.equals(COURSE_WINNERS)
                            && bets.stream().mapToInt(Integer::intValue).sum() == COURSE_TOTAL,
                    "%s: bets %s and winners %s per agency, the course publishes %s (%d in all) and %s", this, bets,
                    winners, COURSE_BETS, COURSE_TOTAL, COURSE_WINNERS);
        }
        return counts;
    }

    /**
     * The rows of one agency file read without any CSV library, each as its five fields (first_name, last_name,
     * document, birthdate, number): neither dataset quotes anything, so splitting on commas is exact. An independent
     * oracle for what a CSV reader must produce.
     */
    public List<List<String>> plainRows(int agency) throws IOException {
        return Files.readAllLines(file(agency), StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isEmpty())
                .map(line -> List.of(line.split(",", -1)))
                .toList();
    }

    private static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new AssertionError(String.format(format, args));
        }
    }

    private static Path module() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().normalize();
    }

    /** GenerateDataset.java in the nearest directory above the module (the module's included) that has it. */
    private static Path generator() {
        for (Path dir = module(); dir != null; dir = dir.getParent()) {
            Path generator = dir.resolve("tools/data/GenerateDataset.java");
            if (Files.isRegularFile(generator)) {
                return generator;
            }
        }
        throw new AssertionError("no dataset zip found and no tools/data/GenerateDataset.java above " + module());
    }

    /** Unzips the zip's agency files (wherever they sit in it) into target/dataset/course-HASH/. */
    private static Path extract(Path zip) throws IOException, InterruptedException {
        return materialise("course-" + hash(zip), tmp -> {
            try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
                for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                    String name = Path.of(entry.getName()).getFileName().toString();
                    if (!entry.isDirectory() && name.matches("agency-[1-" + AGENCIES + "]\\.csv")) {
                        Files.copy(entries, tmp.resolve(name));
                    }
                }
            }
        });
    }

    /** Runs the generator with this JVM's java into target/dataset/generated-HASH/, its output kept there too. */
    private static Path generate(Path generator) throws IOException, InterruptedException {
        return materialise("generated-" + hash(generator), tmp -> {
            Path log = tmp.resolve("GenerateDataset.log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    generator.toString(), tmp.toString()));
            for (int agency = 1; agency <= AGENCIES; agency++) {
                command.add(Integer.toString(agency));
            }
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(GENERATOR_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " still running after "
                        + GENERATOR_TIMEOUT_MINUTES + " minutes; output in " + log);
            }
            check(process.exitValue() == 0, "%s exited with %d: %s", String.join(" ", command),
                    process.exitValue(), Files.readString(log));
        });
    }

    /** How one source fills a fresh directory. */
    private interface Filler {
        void fill(Path dir) throws IOException, InterruptedException;
    }

    /**
     * target/dataset/NAME, filled once: by {@code filler} in a temporary directory renamed into place when it holds
     * every agency file (rename is atomic, so another JVM sees it whole or not at all; if one got there first, its
     * copy is kept).
     */
    private static Path materialise(String name, Filler filler) throws IOException, InterruptedException {
        Path root = Files.createDirectories(module().resolve("target/dataset"));
        Path dir = root.resolve(name);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path tmp = Files.createTempDirectory(root, name + ".tmp-");
        try {
            filler.fill(tmp);
            for (int agency = 1; agency <= AGENCIES; agency++) {
                check(Files.isRegularFile(tmp.resolve("agency-" + agency + ".csv")), "%s: no agency-%d.csv made",
                        name, agency);
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // another JVM renamed its complete copy into place first: use that one
            }
        } finally {
            delete(tmp);
        }
        return dir;
    }

    private static void delete(Path tree) throws IOException {
        if (Files.exists(tree)) {
            try (Stream<Path> paths = Files.walk(tree)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static String hash(Path file) throws IOException {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

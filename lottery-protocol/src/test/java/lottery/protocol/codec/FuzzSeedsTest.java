package lottery.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generated seeds of the fuzz tests ({@link FuzzSeeds}) are the files under src/test/resources, so a change to the
 * golden frames reaches the corpus. {@code mvn -pl lottery-protocol test -Dtest=FuzzSeedsTest -Dfuzz.seeds.write=true}
 * rewrites them.
 */
class FuzzSeedsTest {

    @Test
    void theCommittedSeedsAreTheGeneratedOnes() throws IOException {
        if (Boolean.getBoolean("fuzz.seeds.write")) {
            write(FuzzSeeds.PIPELINE_DIR, FuzzSeeds.pipeline());
            write(FuzzSeeds.BODY_DIR, FuzzSeeds.body());
            return; // the class path holds the old copies until the next build
        }
        check(FuzzSeeds.PIPELINE_DIR, FuzzSeeds.pipeline());
        check(FuzzSeeds.BODY_DIR, FuzzSeeds.body());
    }

    /** Each seed replayed by hand: the oracle holds on the seeds themselves (Jazzer replays them too). */
    @Test
    void theSeedsPassTheOracle() {
        FuzzSeeds.pipeline().values().forEach(new FrameFuzzTest()::pipeline);
        FuzzSeeds.body().values().forEach(new WireFuzzTest()::body);
    }

    private static void check(String dir, Map<String, byte[]> seeds) throws IOException {
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            String resource = "/" + dir + "/" + seed.getKey();
            try (InputStream in = FuzzSeedsTest.class.getResourceAsStream(resource)) {
                assertThat(in).as("%s is missing: run with -Dfuzz.seeds.write=true", resource).isNotNull();
                assertThat(in.readAllBytes()).as("%s is stale: run with -Dfuzz.seeds.write=true", resource)
                        .isEqualTo(seed.getValue());
            }
        }
    }

    private static void write(String dir, Map<String, byte[]> seeds) throws IOException {
        Path target = Path.of(System.getProperty("basedir", "."), "src/test/resources", dir);
        Files.createDirectories(target);
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            Files.write(target.resolve(seed.getKey()), seed.getValue());
        }
    }
}

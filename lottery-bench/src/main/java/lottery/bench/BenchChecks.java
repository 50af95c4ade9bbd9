package lottery.bench;

/** Checks a benchmark's result once in its setup, so a benchmark that computes the wrong thing fails the run. */
final class BenchChecks {

    private BenchChecks() {
    }

    static void same(String benchmark, Object expected, Object actual) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException(benchmark + " computes the wrong result: expected " + expected
                    + ", got " + actual);
        }
    }
}

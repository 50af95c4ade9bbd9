package lottery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's time.ParseDuration and Duration.String(), checked against values Go itself produces. */
class GoDurationTest {

    @ParameterizedTest(name = "{0} -> {1} ns -> {2}")
    @CsvSource({
            // input,              nanoseconds,          Go's String()
            "0,                    0,                    0s",
            "0s,                   0,                    0s",
            "+0,                   0,                    0s",
            "-0,                   0,                    0s",
            "100ms,                100000000,            100ms",
            "1.5s,                 1500000000,           1.5s",
            "1m30s,                90000000000,          1m30s",
            "90s,                  90000000000,          1m30s",
            "2h,                   7200000000000,        2h0m0s",
            "2h45m,                9900000000000,        2h45m0s",
            "1.5h,                 5400000000000,        1h30m0s",
            "5s,                   5000000000,           5s",
            "150ms,                150000000,            150ms",
            "50ms,                 50000000,             50ms",
            "300ms,                300000000,            300ms",
            "1ns,                  1,                    1ns",
            "1.5us,                1500,                 1.5µs",
            "1.5µs,                1500,                 1.5µs",
            "1.5μs,                1500,                 1.5µs",
            "1000ms,               1000000000,           1s",
            "1001ms,               1001000000,           1.001s",
            ".5s,                  500000000,            500ms",
            "1.s,                  1000000000,           1s",
            "-1.5h,                -5400000000000,       -1h30m0s",
            "1h1m1s1ms1us1ns,      3661001001001,        1h1m1.001001001s",
            "3m0.5s,               180500000000,         3m0.5s",
            "1.0000000001s,        1000000000,           1s",
            "2562047h47m16.854775807s, 9223372036854775807, 2562047h47m16.854775807s",
            "-2562047h47m16.854775808s, -9223372036854775808, -2562047h47m16.854775808s",
    })
    void parsesAndPrintsLikeGo(String text, long nanos, String printed) {
        GoDuration duration = GoDuration.parse(text);
        assertThat(duration.nanos()).isEqualTo(nanos);
        assertThat(duration).hasToString(printed);
        assertThat(GoDuration.parse(printed)).isEqualTo(duration);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "5", "-", ".", ".s", "5x", "1m5", "5 s", " 5s", "1e3s", "1h-2m",
            "9223372036854775808ns", "2562048h", "99999999999999999999s"})
    void refusesWhatGoRefuses(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("time: ");
    }

    @ParameterizedTest
    @CsvSource({"5x, unknown unit \"x\"", "12, missing unit"})
    void namesTheProblem(String text, String problem) {
        assertThatThrownBy(() -> GoDuration.parse(text)).hasMessageContaining(problem);
    }
}

package lottery.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {
    @Test
    void nullIsEmpty() {
        assertThat(LogText.clean(null)).isEmpty();
    }

    @Test
    void theFieldSeparatorBecomesASlashSoTheLineStillSplitsIntoItsOwnFields() {
        String line = "action: x | result: fail | error: " + LogText.clean("a | result: success|b");

        assertThat(line).isEqualTo("action: x | result: fail | error: a / result: success/b");
        assertThat(line.split("\\|")).hasSize(3);
    }

    @Test
    void everyLineBreakIsOneSpaceAndOtherControlCharactersAreSpacesToo() {
        assertThat(LogText.clean("one\r\ntwo\nthree\rfour")).isEqualTo("one two three four");
        assertThat(LogText.clean("a\tb\u0000c\u001bd")).isEqualTo("a b c d");
        assertThat(LogText.clean("ends with a break\n")).isEqualTo("ends with a break ");
        assertThat(LogText.clean("\r\n\r\n")).isEqualTo("  ");
    }

    @Test
    void everythingElseIsKeptAsItIs() {
        String text = "  ñandú N°1 😀 ¦ [x]: y = z  ";

        assertThat(LogText.clean(text)).isEqualTo(text);
    }
}

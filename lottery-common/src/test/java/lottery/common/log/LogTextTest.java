package lottery.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
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

    @Test
    void describeSaysWhatIsWrongWithAFileNotOnlyItsPath() {
        assertThat(LogText.describe(new NotDirectoryException("/etc/hostname"))).isEqualTo(
                "not a directory: /etc/hostname");
        assertThat(LogText.describe(new NoSuchFileException("/x/secrets"))).isEqualTo(
                "no such file or directory: /x/secrets");
        assertThat(LogText.describe(new FileSystemException("/a", "/b", "Read-only file system"))).isEqualTo(
                "FileSystemException: /a (Read-only file system) -> /b");
        assertThat(LogText.describe(new IOException("disk full"))).isEqualTo("disk full");
    }
}

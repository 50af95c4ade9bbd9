package lottery.common.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

class LoggingTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "TRACE, TRACE", "debug, DEBUG", "Info, INFO", "WARN, WARN", "error, ERROR",
            // the original Go client's logrus names
            "warning, WARN", "FATAL, ERROR", "panic, ERROR",
            "' info ', INFO"})
    void levelNamesInAnyCaseAndTheGoClientsSpellings(String text, String level) {
        assertThat(Logging.parseLevel(text)).isEqualTo(level);
        assertThat(Logging.LEVELS).contains(level);
    }

    @Test
    void anyOtherNameIsRefusedWithAPhraseThatFollowsTheValue() {
        for (String text : new String[] {"VERBOSE", "", "\"INFO\"", "CRITICAL", "0"}) {
            assertThatThrownBy(() -> Logging.parseLevel(text)).as(text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("is not one of TRACE, DEBUG, INFO, WARN, ERROR");
        }
    }

    @Test
    void theRootLevelFollowsTheConfig() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        try {
            Logging.setRootLevel("warning");
            assertThat(root.getLevel()).isEqualTo(Level.WARN);
            Logging.setRootLevel("TRACE");
            assertThat(root.getLevel()).isEqualTo(Level.TRACE);
            assertThatThrownBy(() -> Logging.setRootLevel("LOUD")).isInstanceOf(IllegalArgumentException.class);
            assertThat(root.getLevel()).isEqualTo(Level.TRACE);
        } finally {
            root.setLevel(before);
        }
    }
}

package lottery.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {
    @Test
    void aMissingEmptyOrBlankVariableIsUnsetAndASetOneIsStripped() {
        Map<String, String> env = Map.of("EMPTY", "", "BLANK", " \t ", "SET", "  a b  ", "ZERO", "0");

        assertThat(Env.get(env, "MISSING")).isEmpty();
        assertThat(Env.get(env, "EMPTY")).isEmpty();
        assertThat(Env.get(env, "BLANK")).isEmpty();
        assertThat(Env.get(env, "SET")).contains("a b");
        assertThat(Env.get(env, "ZERO")).contains("0");
        // Names are exact, as the environment's are.
        assertThat(Env.get(env, "set")).isEmpty();
    }
}

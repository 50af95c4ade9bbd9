package lottery.common.config;

import java.util.Map;
import java.util.Optional;

/** The one rule both applications read environment variables by. */
public final class Env {
    private Env() {
    }

    /**
     * The value of variable {@code name}, stripped; empty when the variable is missing, empty or blank. An empty or
     * blank variable counts as unset because Compose files write {@code NAME: ${NAME:-}}, which sets every such
     * variable, empty when the shell has none.
     */
    public static Optional<String> get(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}

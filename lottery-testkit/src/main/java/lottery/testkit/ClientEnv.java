package lottery.testkit;

import java.util.HashMap;
import java.util.Map;

/**
 * The environment of a test agency client: the {@code CLI_*} variables the real client reads, with short timeouts,
 * for client {@code id} talking to 127.0.0.1:{@code port}. Plain strings, so that this kit needs no client types
 * (lottery-client's own tests depend on it): lottery-client's tests and lottery-it's each turn it into a
 * {@code ClientConfig} with {@code ClientConfigLoader.load(null, false, env)}.
 */
public final class ClientEnv {
    private ClientEnv() {
    }

    /** Client {@code id}'s environment: the server at 127.0.0.1:{@code port}, short timeouts, DEBUG logs. */
    public static Map<String, String> of(int id, int port) {
        Map<String, String> env = new HashMap<>();
        env.put("CLI_ID", Integer.toString(id));
        env.put("CLI_SERVER_ADDRESS", "127.0.0.1:" + port);
        env.put("CLI_LOOP_AMOUNT", "3");
        env.put("CLI_LOOP_PERIOD", "10ms");
        env.put("CLI_LOG_LEVEL", "DEBUG");
        env.put("CLI_CONNECT_TIMEOUT", "5s");
        env.put("CLI_WINNERS_TIMEOUT", "10s");
        return env;
    }

    /** {@link #of(int, int)} plus {@code overrides}; a {@code null} value removes the variable. */
    public static Map<String, String> of(int id, int port, Map<String, String> overrides) {
        Map<String, String> env = of(id, port);
        overrides.forEach((key, value) -> {
            if (value == null) {
                env.remove(key);
            } else {
                env.put(key, value);
            }
        });
        return env;
    }
}

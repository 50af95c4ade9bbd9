package lottery.it;

import java.util.HashMap;
import java.util.Map;
import lottery.client.ClientConfig;
import lottery.client.ClientConfigLoader;
import lottery.common.config.ConfigException;

/**
 * Client configs for the end-to-end tests, built from environment maps the way the real client reads them: the same
 * as lottery-client's test {@code lottery.client.testing.TestConfigs} (test code is not shared between modules).
 */
public final class TestConfigs {
    private TestConfigs() {
    }

    /** The environment of client {@code id} talking to 127.0.0.1:{@code port}, with short timeouts. */
    public static Map<String, String> env(int id, int port) {
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

    /** {@link #env} plus {@code overrides} (a {@code null} value removes the variable), read with no file. */
    public static ClientConfig config(int id, int port, Map<String, String> overrides) throws ConfigException {
        Map<String, String> env = env(id, port);
        overrides.forEach((key, value) -> {
            if (value == null) {
                env.remove(key);
            } else {
                env.put(key, value);
            }
        });
        return ClientConfigLoader.load(null, false, env);
    }
}

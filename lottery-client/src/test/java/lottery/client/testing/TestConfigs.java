package lottery.client.testing;

import java.util.Map;
import lottery.client.ClientConfig;
import lottery.client.ClientConfigLoader;
import lottery.common.config.ConfigException;
import lottery.testkit.ClientEnv;

/** Client configs for tests: {@link ClientEnv}'s environment, read the way the real client reads it (no file). */
public final class TestConfigs {
    private TestConfigs() {
    }

    /** Client {@code id} talking to 127.0.0.1:{@code port}, with {@link ClientEnv#of(int, int, Map) overrides}. */
    public static ClientConfig config(int id, int port, Map<String, String> overrides) throws ConfigException {
        return ClientConfigLoader.load(null, false, ClientEnv.of(id, port, overrides));
    }
}

package lottery.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules both applications load their configuration by, for an INI and a YAML file alike. */
class SettingsTest {
    private static final ConfigKey PORT = ConfigKey.of("PORT", "APP_PORT", null);
    private static final ConfigKey NAME = ConfigKey.of("NAME", "APP_NAME", "anonymous");
    private static final ConfigKey FLAG = ConfigKey.of("FLAG", "APP_FLAG", "false");
    private static final ConfigKey ID = ConfigKey.environmentOnly("APP_ID", null);
    private static final List<ConfigKey> KEYS = List.of(PORT, NAME, FLAG, ID);
    private static final ConfigKey YAML_PORT = ConfigKey.of("server.port", "CLI_SERVER_PORT", null);
    private static final ConfigKey YAML_NAME = ConfigKey.of("server.name", "CLI_SERVER_NAME", "anonymous");
    private static final List<ConfigKey> YAML_KEYS = List.of(YAML_PORT, YAML_NAME);

    @TempDir
    Path dir;

    private Path ini(String text) throws IOException {
        return Files.writeString(dir.resolve("app.ini"), "[DEFAULT]\n" + text, StandardCharsets.UTF_8);
    }

    private Path yaml(String text) throws IOException {
        return Files.writeString(dir.resolve("app.yaml"), text, StandardCharsets.UTF_8);
    }

    private static Settings load(Path file, Map<String, String> env) throws ConfigException {
        return Settings.load(KEYS, file, true, IniFile::read, env);
    }

    /** The message of the ConfigException that {@code load} throws. */
    private static String error(ThrowingCallable load) {
        ConfigException e = catchThrowableOfType(ConfigException.class, load);
        assertThat(e).as("a ConfigException").isNotNull();
        return e.getMessage();
    }

    @Test
    void theFileTheEnvironmentAndTheDefaultsEachSayWhereTheyCameFrom() throws Exception {
        Path file = ini("PORT = 80\n");

        Settings settings = load(file, Map.of("APP_ID", "7", "APP_FLAG", "true"));

        assertThat(settings.text(PORT)).isEqualTo("80");
        assertThat(settings.source(PORT)).isEqualTo(file + " line 2");
        assertThat(settings.text(FLAG)).isEqualTo("true");
        assertThat(settings.source(FLAG)).isEqualTo("env APP_FLAG");
        assertThat(settings.text(NAME)).isEqualTo("anonymous");
        assertThat(settings.source(NAME)).isEqualTo("default");
        assertThat(settings.text(ID)).isEqualTo("7");
        assertThat(settings.overrides()).isEmpty();
    }

    @Test
    void everyVariableThatChangesAValueOfTheFileGivesOneOverrideLineInKeyOrder() throws Exception {
        Settings settings = load(ini("NAME = a|b\nPORT = 80\nFLAG = false\n"), Map.of("APP_NAME", "c|d",
                "APP_PORT", " 8080 ", "APP_FLAG", "false", "APP_ID", "1"));

        assertThat(settings.text(PORT)).isEqualTo("8080");
        // APP_FLAG repeats the file's value, APP_ID sets a key the file cannot: neither changes what the file says.
        assertThat(settings.overrides()).containsExactly(
                "action: config_override | result: success | key: PORT | file_value: 80 | value: 8080",
                "action: config_override | result: success | key: NAME | file_value: a/b | value: c/d");
    }

    @Test
    void theSameRulesHoldForAYamlFileWhoseKeysAreDotted() throws Exception {
        Path file = yaml("server:\n  port: 80\n  name: x\n");

        Settings settings = Settings.load(YAML_KEYS, file, true, YamlFile::read,
                Map.of("CLI_SERVER_PORT", "81", "CLI_SERVER_NAME", " "));

        assertThat(settings.text(YAML_PORT)).isEqualTo("81");
        assertThat(settings.text(YAML_NAME)).isEqualTo("x");
        assertThat(settings.source(YAML_NAME)).isEqualTo(file + " line 3");
        assertThat(settings.overrides()).containsExactly(
                "action: config_override | result: success | key: server.port | file_value: 80 | value: 81");
        assertThat(error(() -> Settings.load(YAML_KEYS, yaml("server:\n  port: 80\n  colour: red\n"), true,
                YamlFile::read, Map.of()))).isEqualTo(file + " line 3: unknown key server.colour"
                + " (known keys: server.port, server.name)");
    }

    @Test
    void anEmptyOrBlankVariableCountsAsUnsetEvenForARequiredKey() throws Exception {
        Settings settings = load(ini("PORT = 80\nNAME = file\n"), Map.of("APP_PORT", "", "APP_NAME", " \t",
                "APP_FLAG", "", "APP_ID", "3"));

        assertThat(settings.text(PORT)).isEqualTo("80");
        assertThat(settings.text(NAME)).isEqualTo("file");
        assertThat(settings.source(FLAG)).isEqualTo("default");
        assertThat(settings.overrides()).isEmpty();
        assertThat(error(() -> load(ini("NAME = x\n"), Map.of("APP_PORT", "  ", "APP_ID", "3"))))
                .startsWith("missing key PORT: ");
    }

    @Test
    void aRequiredKeyNobodySetsNamesTheFileAndTheVariable() throws Exception {
        Path file = ini("");
        Path absent = dir.resolve("absent.ini");

        assertThat(error(() -> load(file, Map.of("APP_ID", "1")))).isEqualTo("missing key PORT: set it in " + file
                + " or in the environment variable APP_PORT");
        assertThat(error(() -> Settings.load(KEYS, absent, false, IniFile::read, Map.of("APP_ID", "1"))))
                .isEqualTo("missing key PORT: set it in " + absent + " (no such file) or in the environment"
                        + " variable APP_PORT");
        assertThat(error(() -> Settings.load(KEYS, null, false, IniFile::read, Map.of("APP_ID", "1"))))
                .isEqualTo("missing key PORT: set the environment variable APP_PORT");
        // A key of the environment only is never "set it in the file".
        assertThat(error(() -> load(ini("PORT = 1\n"), Map.of())))
                .isEqualTo("missing key APP_ID: set the environment variable APP_ID");
    }

    @Test
    void aMissingDefaultFileCountsAsEmptyButANamedOneIsAnError() throws Exception {
        Path absent = dir.resolve("absent.ini");
        Map<String, String> env = Map.of("APP_PORT", "1", "APP_ID", "2");

        assertThat(Settings.load(KEYS, absent, false, IniFile::read, env).text(PORT)).isEqualTo("1");
        assertThat(error(() -> Settings.load(KEYS, absent, true, IniFile::read, env)))
                .isEqualTo("config file " + absent + " does not exist");
    }

    @Test
    void aKeyTheProgramDoesNotKnowIsAnErrorListingTheKnownOnesOfTheFile() throws Exception {
        Path file = ini("PORT = 1\nPROT = 2\n");

        assertThat(error(() -> load(file, Map.of("APP_ID", "1"))))
                .isEqualTo(file + " line 3: unknown key PROT (known keys: PORT, NAME, FLAG)");
        // The environment-only key cannot come from the file.
        assertThat(error(() -> load(ini("APP_ID = 1\n"), Map.of())))
                .isEqualTo(file + " line 2: unknown key APP_ID (known keys: PORT, NAME, FLAG)");
    }

    @Test
    void integersAreAsciiDigitsWithinTheirRangeAndErrorsNameTheSource() throws Exception {
        Path file = ini("PORT = 80\n");
        Settings settings = load(file, Map.of("APP_ID", "+5"));
        assertThat(settings.integer(PORT, 0, 65535)).isEqualTo(80);
        assertThat(settings.integer(ID, 1, 9)).isEqualTo(5);

        assertThat(error(() -> settings.integer(PORT, 81, 90)))
                .isEqualTo("PORT 80 is not in 81..90 (" + file + " line 2)");
        for (String text : new String[] {"8O", "1.5", "1_000", "\u0661", "0x10", "- 1"}) {
            Settings bad = load(file, Map.of("APP_ID", "1", "APP_PORT", text));
            assertThat(error(() -> bad.integer(PORT, 0, 65535))).as(text)
                    .startsWith("PORT must be an integer, not '").endsWith("' (env APP_PORT)");
        }
        Settings huge = load(file, Map.of("APP_ID", "1", "APP_PORT", "99999999999999999999"));
        assertThat(error(() -> huge.integer(PORT, 0, 65535)))
                .isEqualTo("PORT 99999999999999999999 is not in 0..65535 (env APP_PORT)");
    }

    @Test
    void booleansAreTrueOrFalseInAnyCase() throws Exception {
        assertThat(load(ini("PORT = 1\nFLAG = TRUE\n"), Map.of("APP_ID", "1")).bool(FLAG)).isTrue();
        assertThat(load(ini("PORT = 1\n"), Map.of("APP_ID", "1")).bool(FLAG)).isFalse();
        Settings yes = load(ini("PORT = 1\n"), Map.of("APP_ID", "1", "APP_FLAG", "yes"));
        assertThat(error(() -> yes.bool(FLAG))).isEqualTo("FLAG must be true or false, not 'yes' (env APP_FLAG)");
    }

    @Test
    void aConvertersMessageFollowsTheQuotedValue() throws Exception {
        Path file = ini("PORT = 1\nNAME = Bob\n");
        Settings settings = load(file, Map.of("APP_ID", "1"));

        String upper = settings.get(NAME, text -> text.toUpperCase(Locale.ROOT));
        assertThat(upper).isEqualTo("BOB");
        assertThatThrownBy(() -> settings.get(NAME, text -> {
            throw new IllegalArgumentException("is not a colour");
        })).isInstanceOf(ConfigException.class).hasMessage("NAME 'Bob' is not a colour (" + file + " line 3)")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void askingForAKeyThatWasNotLoadedIsAProgrammingError() throws Exception {
        Settings settings = load(ini("PORT = 1\n"), Map.of("APP_ID", "1"));

        assertThatThrownBy(() -> settings.text(YAML_PORT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key server.port was not among the keys loaded");
    }
}

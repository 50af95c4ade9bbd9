package lottery.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/CONFIGURATION.md as the programs' ConfigurationDocTests read it: one program's section, and the names a
 * pattern finds in a text (the doc's or the program's {@code --help}). Found from the module's directory, where Maven
 * runs its tests.
 */
public final class ConfigurationDoc {
    /** A command-line flag, as both programs' help texts write them. */
    public static final Pattern FLAG = Pattern.compile("(?<![\\w-])(--[a-z][a-z-]*[a-z])");

    private ConfigurationDoc() {
    }

    /** The text of the doc's "## NAME..." section, up to the next "## " heading; fails the test when it is missing. */
    public static String section(String name) throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "CONFIGURATION.md"), StandardCharsets.UTF_8);
        Matcher heading = Pattern.compile("(?m)^## " + Pattern.quote(name) + "\\b.*$").matcher(doc);
        assertThat(heading.find()).as("docs/CONFIGURATION.md has a \"## %s\" section", name).isTrue();
        int start = heading.end();
        Matcher next = Pattern.compile("(?m)^## ").matcher(doc);
        int end = next.find(start) ? next.start() : doc.length();
        return doc.substring(start, end);
    }

    /** Every first group {@code pattern} finds in {@code text}, sorted. */
    public static Set<String> all(Pattern pattern, String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}

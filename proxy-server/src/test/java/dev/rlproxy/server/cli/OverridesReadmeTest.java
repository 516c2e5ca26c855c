package dev.rlproxy.server.cli;

import dev.rlproxy.core.config.ConfigOverrides;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's table of {@code RLPROXY_…} variables is the one the command line reads. */
class OverridesReadmeTest {

    private static final Pattern ROW = Pattern.compile("^\\| `(RLPROXY_[A-Z_]+)` \\| `([^`]+)`");

    @Test
    void everyVariableIsDocumentedWithWhatItSets() throws IOException {
        Map<String, String> documented = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                documented.put(row.group(1), row.group(2));
            }
        }
        Map<String, String> read = new TreeMap<>(ConfigOverrides.VARIABLES);
        read.put(LogSetup.FORMAT_VARIABLE, "run --log-format");
        read.put(LogSetup.LEVEL_VARIABLE, "run --log-level");
        assertThat(documented).isEqualTo(read);
    }
}

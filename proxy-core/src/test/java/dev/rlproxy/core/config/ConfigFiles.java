package dev.rlproxy.core.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Writes YAML to a temporary file and loads it, for tests that care about lines and columns. */
final class ConfigFiles {

    /** The smallest valid file; tests append sections to it or replace parts. */
    static final String MINIMAL = """
            upstreams:
              api:
                url: "https://api.example.com"
            routes:
              - match: { pathPrefix: "/api/" }
                upstream: api
            """;

    private ConfigFiles() {
    }

    static Path write(Path dir, String yaml) {
        try {
            return Files.writeString(Files.createTempFile(dir, "config", ".yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ProxyConfig load(Path dir, String yaml) {
        return ConfigLoader.load(write(dir, yaml), Map.of());
    }

    static ProxyConfig load(Path dir, String yaml, Map<String, String> env) {
        return ConfigLoader.load(write(dir, yaml), env);
    }

    /** Loads {@code yaml}, expecting failure, and returns the errors. */
    static List<ConfigError> errors(Path dir, String yaml, Map<String, String> env) {
        Path file = write(dir, yaml);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, env));
        if (e == null) {
            throw new AssertionError("expected the config to be rejected:\n" + yaml);
        }
        for (ConfigError error : e.errors()) {
            if (!error.file().equals(file.toString())) {
                throw new AssertionError("error names the wrong file: " + error);
            }
        }
        assertThatThrownBy(() -> ConfigLoader.load(file, env)).hasMessage(String.join("\n",
                e.errors().stream().map(ConfigError::toString).toList()));
        return e.errors();
    }

    static List<ConfigError> errors(Path dir, String yaml) {
        return errors(dir, yaml, Map.of());
    }

    /** "LINE:COLUMN: message" of each error, the part that does not depend on the file name. */
    static List<String> located(List<ConfigError> errors) {
        return errors.stream().map(e -> e.line() + ":" + e.column() + ": " + e.message()).toList();
    }
}

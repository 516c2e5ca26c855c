package dev.rlproxy.server.cli;

import dev.rlproxy.core.config.ConfigException;
import dev.rlproxy.core.config.ProxyConfig;
import dev.rlproxy.server.ConfigWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --config} with {@code --set} and {@code RLPROXY_…}, as {@code run} loads and reloads it. */
class ConfigOptionsTest {

    private static final String FILE = """
            server: { listen: "127.0.0.1:8080" }
            upstreams:
              api: { url: "http://127.0.0.1:9" }
            routes:
              - match: { pathPrefix: "/api/" }
                upstream: api
            """;

    @Test
    void aReloadKeepsTheOverridesTheProcessStartedWith(@TempDir Path dir) throws Exception {
        ConfigOptions options = new ConfigOptions();
        options.file = Files.writeString(dir.resolve("config.yaml"), FILE);
        options.sets = List.of("queue.maxWait=7s");
        Map<String, String> env = Map.of("RLPROXY_LISTEN", "127.0.0.1:18080", "RLPROXY_LOG_LEVEL", "warn");
        List<ProxyConfig> applied = new CopyOnWriteArrayList<>();
        try (ConfigWatcher watcher = ConfigWatcher.watch(options.file, () -> options.load(env), Duration.ofHours(1),
                c -> {
                    applied.add(c);
                    return List.of();
                })) {
            Files.writeString(options.file, FILE.replace("8080", "8081"));
            assertThat(watcher.reloadNow().applied()).isTrue();
        }
        assertThat(applied).singleElement().satisfies(config -> {
            assertThat(config.server().listen().port()).isEqualTo(18080);
            assertThat(config.queue().maxWait()).isEqualTo(Duration.ofSeconds(7));
        });
    }

    @Test
    void anUnknownVariableStopsTheLoad(@TempDir Path dir) throws Exception {
        ConfigOptions options = new ConfigOptions();
        options.file = Files.writeString(dir.resolve("config.yaml"), FILE);
        assertThatThrownBy(() -> options.load(Map.of("RLPROXY_LISTN", "0.0.0.0:8080")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("RLPROXY_LISTN: unknown variable, did you mean 'RLPROXY_LISTEN'?");
    }
}

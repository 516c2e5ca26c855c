package dev.rlproxy.server;

import dev.rlproxy.core.config.ConfigLoader;
import dev.rlproxy.core.config.ProxyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ConfigWatcherTest {

    private static String config(String tokens) {
        return """
                upstreams:
                  api:
                    url: "http://127.0.0.1:9"
                    tokens:
                      static: [%s]
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(tokens);
    }

    @Test
    void appliesEachValidChangeAndIgnoresInvalidOnes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, config("\"t1\""));
        List<ProxyConfig> applied = new CopyOnWriteArrayList<>();
        try (ConfigWatcher watcher = ConfigWatcher.watch(file, () -> ConfigLoader.load(file, Map.of()), Duration.ofHours(1), c -> {
            applied.add(c);
            return List.of();
        })) {
            watcher.checkNow();
            assertThat(applied).as("unchanged file").isEmpty();

            Files.writeString(file, config("\"t1\", \"t2\""));
            watcher.checkNow();
            assertThat(applied).as("a change seen once may be a file still being written").isEmpty();
            watcher.checkNow();
            assertThat(applied).hasSize(1);
            assertThat(applied.get(0).upstreams().get("api").tokens().staticTokens()).containsExactly("t1", "t2");

            Files.writeString(file, config("\"t1\"") + "\nbogus: 1\n");
            watcher.checkNow();
            watcher.checkNow();
            assertThat(applied).as("invalid edit is not applied").hasSize(1);

            Files.delete(file);
            watcher.checkNow();
            assertThat(applied).as("missing file is not applied").hasSize(1);
        }
    }

    @Test
    void aFileCaughtHalfWrittenIsNotAppliedOnlyItsSettledContent(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, config("\"t1\""));
        List<ProxyConfig> applied = new CopyOnWriteArrayList<>();
        try (ConfigWatcher watcher = ConfigWatcher.watch(file, () -> ConfigLoader.load(file, Map.of()), Duration.ofHours(1), c -> {
            applied.add(c);
            return List.of();
        })) {
            String full = config("\"t1\", \"t2\"");
            Files.writeString(file, full.substring(0, full.length() - 1)); // valid YAML, last byte missing
            watcher.checkNow();
            Files.writeString(file, full);
            watcher.checkNow();
            watcher.checkNow();
            watcher.checkNow();

            assertThat(applied).hasSize(1);
            assertThat(applied.get(0).upstreams().get("api").tokens().staticTokens()).containsExactly("t1", "t2");
        }
    }

    @Test
    void pollsOnItsOwn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, config("\"t1\""));
        List<ProxyConfig> applied = new CopyOnWriteArrayList<>();
        try (ConfigWatcher ignored = ConfigWatcher.watch(file, () -> ConfigLoader.load(file, Map.of()), Duration.ofMillis(20), c -> {
            applied.add(c);
            return List.of();
        })) {
            Files.writeString(file, config("\"t3\""));
            await().atMost(Duration.ofSeconds(5)).until(() -> applied.size() == 1);
        }
    }
}

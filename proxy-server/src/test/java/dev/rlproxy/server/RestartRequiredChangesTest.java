package dev.rlproxy.server;

import dev.rlproxy.core.config.ConfigLoader;
import dev.rlproxy.core.config.ProxyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which changed keys a reload cannot apply: exactly those fixed at start, by key path, never values. */
class RestartRequiredChangesTest {

    @TempDir
    Path dir;

    private ProxyConfig load(String server, String queue, String maxResetWait) throws Exception {
        Path file = dir.resolve("proxy.yaml"); // one file, as a reload reads: the usage state file beside it stays the same
        Files.writeString(file, """
                server: { %s }
                admin: { listen: "127.0.0.1:9191" }
                queue: { %s }
                upstreams:
                  api:
                    url: "http://127.0.0.1:9"
                    maxResetWait: %s
                    buckets:
                      - { name: hourly, limit: 10, per: 1h }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(server, queue, maxResetWait));
        return ConfigLoader.load(file, Map.of());
    }

    @Test
    void namesOnlyTheKeysFixedAtStart() throws Exception {
        ProxyConfig started = load("listen: \"127.0.0.1:8080\"", "maxWait: 5s, maxDepth: 100", "1h");

        ProxyConfig liveOnly = load("listen: \"127.0.0.1:8080\", publicUrl: \"https://proxy.example\", drainTimeout: 3s",
                "maxWait: 1s, maxDepth: 100", "30m");
        assertThat(RestartRequiredChanges.between(started, liveOnly, Duration.ofHours(1))).isEmpty();

        ProxyConfig fixed = load("listen: \"127.0.0.1:8081\", maxConnections: 10", "maxWait: 5s, maxDepth: 7", "2h");
        assertThat(RestartRequiredChanges.between(started, fixed, Duration.ofHours(1))).containsExactly(
                "server.listen", "server.maxConnections", "queue.maxDepth", "upstreams.api.maxResetWait");
    }
}

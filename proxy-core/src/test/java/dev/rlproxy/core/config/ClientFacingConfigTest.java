package dev.rlproxy.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.rlproxy.core.config.ConfigFiles.MINIMAL;
import static dev.rlproxy.core.config.ConfigFiles.errors;
import static dev.rlproxy.core.config.ConfigFiles.located;
import static org.assertj.core.api.Assertions.assertThat;

/** The client-facing timeouts and caps under {@code server}, and forwarding headers. */
class ClientFacingConfigTest {

    @TempDir
    Path dir;

    private List<String> problems(String yaml) {
        return located(errors(dir, yaml));
    }

    @Test
    void defaultsFollowNginx() {
        ProxyConfig config = ConfigFiles.load(dir, MINIMAL);

        ServerConfig server = config.server();
        assertThat(server.headerTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(server.idleTimeout()).isEqualTo(Duration.ofSeconds(75));
        assertThat(server.bodyTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(server.maxConnections()).isEqualTo(10_000);
        assertThat(server.maxConnectionsPerClient()).isEqualTo(1024);
        assertThat(server.trustForwardedHeaders()).isFalse();
        assertThat(config.upstreams().get("api").forwardedHeaders()).isEqualTo(ForwardedHeaders.NONE);
        assertThat(ServerConfig.defaults()).isEqualTo(server);
    }

    @Test
    void everyKeyIsRead() {
        ProxyConfig config = ConfigFiles.load(dir, """
                server:
                  headerTimeout: 5s
                  idleTimeout: 1m
                  bodyTimeout: 500ms
                  maxConnections: 100
                  maxConnectionsPerClient: 10
                  trustForwardedHeaders: true
                upstreams:
                  a: { url: "https://a.example.com", forwardedHeaders: x-forwarded }
                  b: { url: "https://b.example.com", forwardedHeaders: Forwarded }
                routes:
                  - match: { pathPrefix: "/a/" }
                    upstream: a
                  - match: { pathPrefix: "/b/" }
                    upstream: b
                """);

        ServerConfig server = config.server();
        assertThat(server.headerTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(server.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(server.bodyTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(server.maxConnections()).isEqualTo(100);
        assertThat(server.maxConnectionsPerClient()).isEqualTo(10);
        assertThat(server.trustForwardedHeaders()).isTrue();
        assertThat(config.upstreams().get("a").forwardedHeaders()).isEqualTo(ForwardedHeaders.X_FORWARDED);
        assertThat(config.upstreams().get("b").forwardedHeaders()).isEqualTo(ForwardedHeaders.FORWARDED);
    }

    @Test
    void badValuesAreLocated() {
        assertThat(problems(MINIMAL + "server:\n  headerTimeout: 0s\n")).containsExactly(
                "8:18: server.headerTimeout: must be between 1ms and 1d, was PT0S");
        assertThat(problems(MINIMAL + "server:\n  idleTimeout: 2d\n")).containsExactly(
                "8:16: server.idleTimeout: must be between 1ms and 1d, was PT48H");
        assertThat(problems(MINIMAL + "server:\n  bodyTimeout: 60\n")).hasSize(1).first().asString()
                .startsWith("8:16: server.bodyTimeout: expected a duration");
        assertThat(problems(MINIMAL + "server:\n  maxConnections: 0\n")).containsExactly(
                "8:19: server.maxConnections: must be at least 1, was 0");
        assertThat(problems(MINIMAL + "server:\n  maxConnectionsPerClient: -1\n")).containsExactly(
                "8:28: server.maxConnectionsPerClient: must be at least 1, was -1");
        assertThat(problems(MINIMAL + "server:\n  maxConections: 5\n")).containsExactly(
                "8:3: server.maxConections: unknown key, did you mean 'maxConnections'?");
        assertThat(problems(MINIMAL.replace("url: \"https://api.example.com\"",
                "url: \"https://api.example.com\"\n    forwardedHeaders: xff"))).containsExactly(
                "4:23: upstreams.api.forwardedHeaders: expected none | x-forwarded | forwarded, got 'xff'");
    }
}

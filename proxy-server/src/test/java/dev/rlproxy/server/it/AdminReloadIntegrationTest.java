package dev.rlproxy.server.it;

import dev.rlproxy.core.config.AdminConfig;
import dev.rlproxy.core.config.ConfigLoader;
import dev.rlproxy.core.config.HostPort;
import dev.rlproxy.core.tokens.Fingerprint;
import dev.rlproxy.core.tokens.TokenStatus;
import dev.rlproxy.server.ConfigWatcher;
import dev.rlproxy.server.ProxyApplication;
import dev.rlproxy.server.admin.AdminServer;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /reload applies a valid file at once and refuses an invalid one with FILE:LINE:COLUMN, keeping the running config. */
class AdminReloadIntegrationTest {

    private static String config(String url, String tokens) {
        return """
                server: { listen: "127.0.0.1:0" }
                upstreams:
                  api:
                    url: "%s"
                    dialect: github
                    tokens:
                      static: [%s]
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(url, tokens);
    }

    @Test
    void validReloadAppliesAndInvalidOneIsRefusedWithPositions(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        HttpClient client = HttpClient.newHttpClient();
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(1000, Duration.ofHours(1)))) {
            Files.writeString(file, config(upstream.baseUrl(), "\"tok-a\""));
            ProxyApplication app = ProxyApplication.start(ConfigLoader.load(file, Map.of()));
            // A poll interval far beyond the test: only the explicit reload acts.
            ConfigWatcher watcher = ConfigWatcher.watch(file, () -> ConfigLoader.load(file, Map.of()), Duration.ofHours(1), app::reload);
            AdminServer admin = AdminServer.start(new AdminConfig(new HostPort("127.0.0.1", 0), ""), app,
                    watcher::reloadNow);
            try {
                URI reload = URI.create("http://127.0.0.1:" + admin.port() + "/reload");
                Files.writeString(file, config(upstream.baseUrl(), "\"tok-a\", \"tok-b\""));
                HttpResponse<String> applied = client.send(HttpRequest.newBuilder(reload)
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(applied.statusCode()).isEqualTo(200);
                assertThat(applied.body()).contains("\"reloaded\":true", "\"notApplied\":[]");
                assertThat(app.upstreams().get("api").tokens().status()).extracting(TokenStatus::fingerprint)
                        .containsExactly(Fingerprint.of("tok-a"), Fingerprint.of("tok-b"));

                // A change only a restart can apply is named, and the rest still applies.
                Files.writeString(file, config(upstream.baseUrl(), "\"tok-b\"")
                        .replace("listen: \"127.0.0.1:0\"", "listen: \"127.0.0.1:0\", maxConnections: 50"));
                HttpResponse<String> partly = client.send(HttpRequest.newBuilder(reload)
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(partly.statusCode()).isEqualTo(200);
                assertThat(partly.body()).contains("\"notApplied\":[\"server.maxConnections\"]",
                        "not applied until a restart: server.maxConnections");
                assertThat(app.upstreams().get("api").tokens().status()).extracting(TokenStatus::fingerprint)
                        .containsExactly(Fingerprint.of("tok-b"));

                Files.writeString(file, config(upstream.baseUrl(), "\"tok-a\"").replace("dialect: github", "dialect: gitlab"));
                HttpResponse<String> refused = client.send(HttpRequest.newBuilder(reload)
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(422);
                assertThat(refused.body()).contains("invalid_config", file + ":5:").doesNotContain("tok-a");
                // The running configuration stays: tok-b alone, and requests still served.
                assertThat(app.upstreams().get("api").tokens().status()).extracting(TokenStatus::fingerprint)
                        .containsExactly(Fingerprint.of("tok-b"));
                HttpResponse<String> served = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + app.port() + "/api/x")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(served.statusCode()).isEqualTo(200);
            } finally {
                admin.close();
                watcher.close();
                app.close();
            }
        }
    }
}

package dev.rlproxy.server.it;

import dev.rlproxy.core.config.ConfigLoader;
import dev.rlproxy.core.tokens.TokenState;
import dev.rlproxy.core.tokens.TokenStatus;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Hot reload swaps the token set while requests are in flight; none is dropped. */
class TokenReloadIntegrationTest {

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
    void reloadAddsAndRetiresTokensWithoutDroppingInFlightRequests(@TempDir Path dir) throws Exception {
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(1000, Duration.ofHours(1))
                .withLatency(Duration.ofMillis(300)));
             RunningProxy proxy = RunningProxy.start(config(upstream.baseUrl(), "\"tok-old\", \"tok-kept\""))) {

            // Teach the proxy both tokens' limits, then put requests in flight.
            for (int i = 0; i < 4; i++) {
                assertThat(proxy.get("/api/warm").statusCode()).isEqualTo(200);
            }
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                inFlight.add(proxy.client.sendAsync(
                        HttpRequest.newBuilder(URI.create(proxy.url("/api/slow/" + i))).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.requestsSeen() >= 14);

            Path file = dir.resolve("proxy.yaml");
            Files.writeString(file, config(upstream.baseUrl(), "\"tok-kept\", \"tok-new\""));
            proxy.app.reload(ConfigLoader.load(file, Map.of()));

            for (CompletableFuture<HttpResponse<String>> response : inFlight) {
                assertThat(response.join().statusCode()).isEqualTo(200);
            }
            List<String> states = proxy.app.upstreams().get("api").tokens().status().stream()
                    .map(TokenStatus::state).map(TokenState::name).toList();
            assertThat(states).doesNotContain("RETIRING");

            upstream.reset();
            for (int i = 0; i < 6; i++) {
                assertThat(proxy.get("/api/after").statusCode()).isEqualTo(200);
            }
            // The new token has the most quota left, so the pool prefers it; the retired one is gone.
            assertThat(upstream.requestsByToken()).containsKey("tok-new").doesNotContainKey("tok-old");
            assertThat(upstream.violations()).isZero();
        }
    }
}

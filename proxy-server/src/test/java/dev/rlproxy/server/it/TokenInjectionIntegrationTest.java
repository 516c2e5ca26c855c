package dev.rlproxy.server.it;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.rlproxy.server.it.TokenRetryIntegrationTest.eventsAt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which credential the upstream sees: on a pooled route the pool's token replaces whatever the
 * client sent; on a {@code tokens: passthrough} route the client's own header goes through
 * unchanged, and its {@code scope: token} bucket is keyed by that credential.
 */
class TokenInjectionIntegrationTest {

    private static final String POOL = "it-inject-pool-token";

    private UpstreamSimulator upstream;
    private RunningProxy proxy;

    @BeforeEach
    void start() {
        upstream = UpstreamSimulator.start(SimulatorSpec.github(100, Duration.ofMinutes(1)).withRequestJournal(true));
        proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                queue: { maxWait: 300ms }
                upstreams:
                  gh:
                    url: "%s"
                    dialect: github
                    tokens:
                      static: ["${POOL}"]
                    buckets:
                      - { name: per-token, limit: 2, per: 1m, scope: token }
                routes:
                  - match: { pathPrefix: "/own/" }
                    upstream: gh
                    tokens: passthrough
                  - match: { pathPrefix: "/gh/" }
                    upstream: gh
                """.formatted(upstream.baseUrl()), Map.of("POOL", POOL));
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.close();
    }

    private HttpResponse<String> get(String path, String authorization) {
        return proxy.send(HttpRequest.newBuilder(URI.create(proxy.url(path)))
                .header("Authorization", authorization).build());
    }

    @Test
    void pooledTokenReplacesTheClientsOwnAuthorization() {
        HttpResponse<String> response = get("/gh/user", "Bearer client-junk");

        assertThat(response.statusCode()).isEqualTo(200);
        List<ServeEvent> sent = eventsAt(upstream, "/user");
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getRequest().getHeaders().getHeader("Authorization").values())
                .as("exactly one Authorization, the pool's").containsExactly("Bearer " + POOL);
        assertThat(sent.get(0).getRequest().getHeaders().all().toString()).doesNotContain("client-junk");
        assertThat(upstream.requestsByToken()).containsOnlyKeys(POOL);
    }

    @Test
    void passthroughForwardsTheClientsAuthorizationUnchanged() {
        HttpResponse<String> response = get("/own/user", "token client-own-credential");

        assertThat(response.statusCode()).isEqualTo(200);
        List<ServeEvent> sent = eventsAt(upstream, "/user");
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getRequest().getHeaders().getHeader("Authorization").values())
                .containsExactly("token client-own-credential");
        assertThat(upstream.requestsByToken()).containsOnlyKeys("client-own-credential");
    }

    @Test
    void passthroughTokenScopedBucketIsKeyedByTheClientsCredential() {
        for (int i = 0; i < 2; i++) {
            assertThat(get("/own/user", "Bearer client-x").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> third = get("/own/user", "Bearer client-x");
        assertThat(third.statusCode()).as("client-x spent its 2 per minute").isEqualTo(429);
        assertThat(third.headers().firstValue("X-Proxy-Error")).contains("true");
        assertThat(third.headers().firstValue("Retry-After")).isPresent();

        for (int i = 0; i < 2; i++) {
            assertThat(get("/own/user", "Bearer client-y").statusCode())
                    .as("client-y has a bucket of its own").isEqualTo(200);
        }
        assertThat(get("/own/user", "Bearer client-y").statusCode()).isEqualTo(429);
        // And the pooled route's token has its own bucket again.
        assertThat(get("/gh/user", "Bearer client-x").statusCode()).isEqualTo(200);

        assertThat(upstream.requestsByToken())
                .containsEntry("client-x", 2L).containsEntry("client-y", 2L).containsEntry(POOL, 1L);
        assertThat(upstream.violations()).isZero();
    }
}

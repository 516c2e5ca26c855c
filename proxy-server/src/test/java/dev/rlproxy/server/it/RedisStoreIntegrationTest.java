package dev.rlproxy.server.it;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.rlproxy.core.config.AdminConfig;
import dev.rlproxy.core.config.HostPort;
import dev.rlproxy.server.admin.AdminServer;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import dev.rlproxy.server.store.RedisServerProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code store.type: redis} end to end: two proxies on one password-protected Redis share an
 * OAuth2 token (one token request), and the admin listener shows the store in {@code /status},
 * {@code /metrics} and, with {@code fail-closed}, {@code /readyz} through a Redis outage; neither
 * the Redis password nor the shared token appears in any of it or in the logs.
 */
class RedisStoreIntegrationTest {

    private static final String REDIS_PASSWORD = "it-redis-s3cret";
    private static final String ISSUED = "issued-shared-token";

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void twoReplicasShareOneTokenAndReportTheStore() throws Exception {
        CapturedLogs logs = new CapturedLogs();
        open.add(logs);
        RedisServerProcess redis = RedisServerProcess.withArgs(List.of("--requirepass", REDIS_PASSWORD));
        open.add(redis);
        WireMockServer tokenEndpoint = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        tokenEndpoint.start();
        open.add(tokenEndpoint::stop);
        tokenEndpoint.stubFor(post(urlEqualTo("/token")).willReturn(okJson(
                "{\"access_token\":\"" + ISSUED + "\",\"expires_in\":3600}")));
        UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(100, Duration.ofMinutes(1))
                .withValidTokens(Set.of(ISSUED)));
        open.add(upstream);

        RunningProxy first = proxy(redis, upstream, tokenEndpoint);
        RunningProxy second = proxy(redis, upstream, tokenEndpoint);
        assertThat(first.get("/api/user").statusCode()).isEqualTo(200);
        assertThat(second.get("/api/user").statusCode()).isEqualTo(200);
        assertThat(upstream.acceptedByToken()).containsOnly(Map.entry(ISSUED, 2L));
        tokenEndpoint.verify(1, postRequestedFor(urlEqualTo("/token")));

        AdminServer admin = admin(first);
        HttpResponse<String> ready = get(first, admin, "/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        String status = get(first, admin, "/status").body();
        assertThat(status).contains("\"store\":{\"type\":\"redis\",\"uri\":\"redis://***@127.0.0.1:" + redis.port()
                + "\",\"available\":true,\"failureModeActive\":false,\"onFailure\":\"fail-closed\",\"roundTrips\":");
        String metrics = get(first, admin, "/metrics").body();
        assertThat(metrics).contains("rlproxy_store_available 1", "rlproxy_store_fallback_active 0",
                "rlproxy_store_failures_total 0").containsPattern("rlproxy_store_round_trips_total [1-9]");
        assertThat(status + metrics).doesNotContain(REDIS_PASSWORD, ISSUED);

        redis.kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> get(first, admin, "/readyz").statusCode() == 503);
        assertThat(get(first, admin, "/readyz").body()).contains("store: Redis at redis://***@127.0.0.1:"
                + redis.port() + " is unavailable (onFailure: fail-closed)");
        assertThat(get(first, admin, "/metrics").body()).contains("rlproxy_store_fallback_active 1");
        redis.restart();
        await().atMost(Duration.ofSeconds(10)).until(() -> get(first, admin, "/readyz").statusCode() == 200);
        assertThat(logs.lines()).as("every log line, at DEBUG").isNotEmpty()
                .noneMatch(line -> line.contains(REDIS_PASSWORD) || line.contains(ISSUED));
    }

    private RunningProxy proxy(RedisServerProcess redis, UpstreamSimulator upstream, WireMockServer tokenEndpoint) {
        RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                store:
                  type: redis
                  redis:
                    uri: "redis://:${REDIS_PASSWORD}@127.0.0.1:%d"
                    onFailure: fail-closed
                    probeInterval: 100ms
                upstreams:
                  api:
                    url: "%s"
                    dialect: github
                    tokens:
                      oauth2:
                        tokenUrl: "http://127.0.0.1:%d/token"
                        clientId: "proxy-client"
                        clientSecret: "client-s3cret"
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(redis.port(), upstream.baseUrl(), tokenEndpoint.port()),
                Map.of("REDIS_PASSWORD", REDIS_PASSWORD));
        open.add(proxy);
        return proxy;
    }

    private AdminServer admin(RunningProxy proxy) {
        AdminServer admin = AdminServer.start(new AdminConfig(new HostPort("127.0.0.1", 0), ""), proxy.app, null);
        open.add(admin);
        return admin;
    }

    private static HttpResponse<String> get(RunningProxy proxy, AdminServer admin, String path) {
        return proxy.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path)).GET().build());
    }
}

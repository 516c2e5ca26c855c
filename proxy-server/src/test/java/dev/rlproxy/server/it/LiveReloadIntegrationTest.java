package dev.rlproxy.server.it;

import dev.rlproxy.core.config.AdminConfig;
import dev.rlproxy.core.config.ConfigLoader;
import dev.rlproxy.core.config.HostPort;
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
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reload under a steady concurrent load through the proxy to the simulator: a route change (one
 * route and a whole upstream added, one route removed), a bucket limit change and a token change,
 * once by {@code POST /reload} and once by editing the file. No request fails, and afterwards the
 * new routes, the new limit (counted in admissions, the bucket's earlier admissions kept) and the
 * new tokens are in force.
 */
class LiveReloadIntegrationTest {

    private static final int LOAD = 300;
    private static final int CONCURRENCY = 8;
    /** The final hourly limit: the load's admissions stay counted, so exactly this minus LOAD more pass. */
    private static final int FINAL_LIMIT = LOAD + 20;

    /**
     * @param hourly      the {@code api} upstream's bucket limit per hour
     * @param tokens      its static tokens
     * @param withSecond  whether the {@code second} upstream and its route exist
     * @param withOld     whether the {@code /old/} route exists
     */
    private static String config(String url, int hourly, String tokens, boolean withSecond, boolean withOld) {
        String second = withSecond ? """
                  second:
                    url: "%s"
                    dialect: github
                    tokens:
                      static: ["tok-c"]
                """.formatted(url) : "";
        return """
                server: { listen: "127.0.0.1:0" }
                queue: { maxWait: 5s }
                upstreams:
                  api:
                    url: "%s"
                    dialect: github
                    tokens:
                      static: [%s]
                    buckets:
                      - { name: hourly, limit: %d, per: 1h }
                %sroutes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                %s%s""".formatted(url, tokens, hourly, second,
                withOld ? "  - match: { pathPrefix: \"/old/\" }\n    upstream: api\n" : "",
                withSecond ? "  - match: { pathPrefix: \"/second/\" }\n    upstream: second\n" : "");
    }

    @Test
    void routeBucketAndTokenChangesApplyUnderLoadWithoutFailedRequests(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(100_000, Duration.ofHours(1))
                .withLatency(Duration.ofMillis(30)))) {
            String url = upstream.baseUrl();
            Files.writeString(file, config(url, 100_000, "\"tok-a\"", false, true));
            ProxyApplication app = ProxyApplication.start(ConfigLoader.load(file, Map.of()));
            // Only POST /reload acts at first (a poll far beyond the test); the file watch joins later.
            ConfigWatcher onRequest = ConfigWatcher.watch(file, () -> ConfigLoader.load(file, Map.of()), Duration.ofHours(1), app::reload);
            ConfigWatcher fileWatch = null;
            AdminServer admin = AdminServer.start(new AdminConfig(new HostPort("127.0.0.1", 0), ""), app,
                    onRequest::reloadNow);
            try {
                String proxy = "http://127.0.0.1:" + app.port();
                assertThat(send(client, proxy + "/second/x").statusCode()).as("not routed yet").isEqualTo(404);

                CompletableFuture<ConcurrentLoad> load = CompletableFuture.supplyAsync(
                        () -> ConcurrentLoad.run(client, proxy + "/api/load/", LOAD, CONCURRENCY));

                // 1. POST /reload: a new upstream and its route, a lower limit, a second token.
                await().atMost(Duration.ofSeconds(30)).until(() -> upstream.requestsSeen() >= LOAD / 4);
                Files.writeString(file, config(url, FINAL_LIMIT + 10, "\"tok-a\", \"tok-b\"", true, true));
                HttpResponse<String> reloaded = client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + admin.port() + "/reload"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(reloaded.statusCode()).isEqualTo(200);
                assertThat(reloaded.body()).contains("\"notApplied\":[]");
                assertThat(load).as("the load is still running across the reload").isNotDone();

                // 2. The file changes: a route goes, the limit drops again, the first token goes.
                fileWatch = ConfigWatcher.watch(file, () -> ConfigLoader.load(file, Map.of()), Duration.ofMillis(100), app::reload);
                await().atMost(Duration.ofSeconds(30)).until(() -> upstream.requestsSeen() >= LOAD / 2);
                Files.writeString(file, config(url, FINAL_LIMIT, "\"tok-b\"", true, false));
                await().atMost(Duration.ofSeconds(10)).until(() -> app.config().routes().size() == 2);
                assertThat(load).as("the load is still running across the reload").isNotDone();

                ConcurrentLoad done = load.join();
                assertThat(done.transportErrors).hasValue(0);
                assertThat(done.count(200)).as("every request of the load succeeded: " + done.statuses).isEqualTo(LOAD);
                assertThat(upstream.violations()).isZero();

                // Routes: the new one reaches the new upstream, the removed one is gone.
                upstream.reset();
                assertThat(send(client, proxy + "/second/x").statusCode()).isEqualTo(200);
                assertThat(upstream.requestsByToken()).containsOnlyKeys("tok-c");
                HttpResponse<String> removed = send(client, proxy + "/old/x");
                assertThat(removed.statusCode()).isEqualTo(404);
                assertThat(removed.headers().firstValue("X-Proxy-Error")).hasValue("true");

                // Limit: the bucket kept the load's admissions, so exactly FINAL_LIMIT - LOAD more pass.
                upstream.reset();
                int admitted = 0;
                HttpResponse<String> last;
                while ((last = send(client, proxy + "/api/count/" + admitted)).statusCode() == 200) {
                    admitted++;
                    assertThat(admitted).isLessThanOrEqualTo(FINAL_LIMIT);
                }
                assertThat(last.statusCode()).isEqualTo(429);
                assertThat(last.headers().firstValue("X-Proxy-Error")).hasValue("true");
                assertThat(admitted).isEqualTo(FINAL_LIMIT - LOAD);
                // Tokens: only the one configured now is used.
                assertThat(upstream.requestsByToken()).containsOnlyKeys("tok-b");
                assertThat(upstream.violations()).isZero();

                String metrics = send(client, "http://127.0.0.1:" + admin.port() + "/metrics").body();
                assertThat(metrics).contains("rlproxy_requests_total{route=\"/second/\",status_class=\"2xx\",upstream=\"second\"} 1.0");
            } finally {
                admin.close();
                onRequest.close();
                if (fileWatch != null) {
                    fileWatch.close();
                }
                app.close();
            }
        }
    }

    private static HttpResponse<String> send(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

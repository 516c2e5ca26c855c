package dev.rlproxy.server.it;

import com.sun.net.httpserver.HttpServer;
import dev.rlproxy.core.config.AdminConfig;
import dev.rlproxy.core.config.HostPort;
import dev.rlproxy.core.tokens.Fingerprint;
import dev.rlproxy.server.ConfigWatcher;
import dev.rlproxy.server.admin.AdminServer;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The admin listener: every endpoint, the bearer rule, metric names and values after a known load, secrecy. */
class AdminApiIntegrationTest {

    private static final String TOKEN_1 = "admin-it-secret-token-one";
    private static final String TOKEN_2 = "admin-it-secret-token-two";
    private static final String ADMIN_TOKEN = "admin-it-bearer";
    private static final Map<String, String> ENV = Map.of("T1", TOKEN_1, "T2", TOKEN_2);

    /** As the admin listener's StatusJson lists at most. */
    private static final int BUSIEST_KEYS_SHOWN = 50;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private RunningProxy proxy(UpstreamSimulator upstream) {
        RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                queue: { maxWait: 10s }
                upstreams:
                  gh:
                    url: "%s"
                    dialect: github
                    tokens:
                      static: ["${T1}", "${T2}"]
                    buckets:
                      - { name: overall, limit: 1000, per: 1s }
                routes:
                  - match: { pathPrefix: "/gh/" }
                    upstream: gh
                  - match: { host: "api.example.test" }
                    upstream: gh
                """.formatted(upstream.baseUrl()), ENV);
        open.add(proxy);
        return proxy;
    }

    private AdminServer admin(RunningProxy proxy, String authToken) {
        AdminServer admin = AdminServer.start(new AdminConfig(new HostPort("127.0.0.1", 0), authToken), proxy.app,
                () -> new ConfigWatcher.Outcome(true, "reloaded test", java.util.List.of()));
        open.add(admin);
        return admin;
    }

    private UpstreamSimulator github() {
        UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(5000, Duration.ofHours(1))
                .withValidTokens(java.util.Set.of(TOKEN_1, TOKEN_2)));
        open.add(upstream);
        return upstream;
    }

    private static HttpResponse<String> call(RunningProxy proxy, AdminServer admin, String method, String path,
                                             String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return proxy.send(request.build());
    }

    @Test
    void metricsAfterAKnownLoadCountEveryRequestAndZeroThrottled() {
        UpstreamSimulator upstream = github();
        RunningProxy proxy = proxy(upstream);
        AdminServer admin = admin(proxy, "");
        ConcurrentLoad load = ConcurrentLoad.run(proxy.client, proxy.url("/gh/repos/o/r?page="), 100, 10);
        assertThat(load.count(200)).isEqualTo(100);
        proxy.get("/nowhere");

        HttpResponse<String> metrics = call(proxy, admin, "GET", "/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        String text = metrics.body();
        assertThat(value(text, "rlproxy_requests_total{route=\"/gh/\",status_class=\"2xx\",upstream=\"gh\"}"))
                .isEqualTo(100);
        assertThat(value(text, "rlproxy_requests_total{route=\"none\",status_class=\"4xx\",upstream=\"none\"}"))
                .isEqualTo(1);
        assertThat(value(text, "rlproxy_proxy_answers_total{reason=\"no_route\",route=\"none\",upstream=\"none\"}"))
                .isEqualTo(1);
        assertThat(value(text, "rlproxy_upstream_throttled_total{route=\"/gh/\",upstream=\"gh\"}")).isZero();
        assertThat(value(text, "rlproxy_upstream_throttled_total{route=\"api.example.test\",upstream=\"gh\"}")).isZero();
        assertThat(value(text, "rlproxy_token_retries_total{route=\"/gh/\",upstream=\"gh\"}")).isZero();
        assertThat(upstream.violations()).isZero();
        assertThat(value(text, "rlproxy_upstream_latency_seconds_count{route=\"/gh/\",upstream=\"gh\"}")).isEqualTo(100);
        assertThat(value(text, "rlproxy_queue_wait_seconds_count{route=\"/gh/\",upstream=\"gh\"}")).isEqualTo(100);
        assertThat(text).doesNotContain("rlproxy_queue_wait_seconds_count{route=\"none\"");
        assertThat(value(text, "rlproxy_response_bytes_total{route=\"/gh/\",upstream=\"gh\"}")).isPositive();
        double checkouts = 0;
        for (String token : List.of(TOKEN_1, TOKEN_2)) {
            String fingerprint = Fingerprint.of(token);
            checkouts += value(text, "rlproxy_token_checkouts_total{token=\"" + fingerprint + "\",upstream=\"gh\"}");
            assertThat(value(text, "rlproxy_token_limit{token=\"" + fingerprint + "\",upstream=\"gh\"}")).isEqualTo(5000);
            assertThat(value(text, "rlproxy_token_remaining{token=\"" + fingerprint + "\",upstream=\"gh\"}"))
                    .isBetween(4900.0, 5000.0);
            assertThat(value(text, "rlproxy_token_quarantined{token=\"" + fingerprint + "\",upstream=\"gh\"}")).isZero();
            assertThat(value(text, "rlproxy_token_reset_seconds{token=\"" + fingerprint + "\",upstream=\"gh\"}"))
                    .isBetween(1.0, 3600.0);
        }
        assertThat(checkouts).isEqualTo(100);
        assertThat(value(text, "rlproxy_grant_to_write_seconds_count{upstream=\"gh\"}"))
                .as("every request written once, each timed from its ticket").isEqualTo(100);
        assertThat(value(text, "rlproxy_grant_to_write_seconds{upstream=\"gh\",quantile=\"0.999\"}")).isBetween(0.0, 10.0);
        assertThat(value(text, "rlproxy_window_margin_seconds{upstream=\"gh\"}")).as("the default margin").isEqualTo(0.1);
        assertThat(text).contains("# HELP rlproxy_grant_to_write_seconds From a request's ticket to its write");
        assertThat(value(text, "rlproxy_queue_depth{upstream=\"gh\"}")).isZero();
        assertThat(text).contains("jvm_heap_used_bytes ", "netty_eventloop_pending_tasks ");
        assertThat(text).doesNotContain(TOKEN_1, TOKEN_2);
    }

    @Test
    void statusShowsRoutesUpstreamsBucketsAndTokensByFingerprintOnly() {
        UpstreamSimulator upstream = github();
        RunningProxy proxy = proxy(upstream);
        AdminServer admin = admin(proxy, "");
        ConcurrentLoad.run(proxy.client, proxy.url("/gh/x"), 10, 2);

        HttpResponse<String> status = call(proxy, admin, "GET", "/status", null);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body())
                .contains("\"match\":\"/gh/\"", "\"match\":\"api.example.test\"", "\"name\":\"gh\"",
                        "\"requests\":10", "\"upstreamThrottled\":0", "\"name\":\"overall\"", "\"limit\":1000",
                        "\"fingerprint\":\"" + Fingerprint.of(TOKEN_1) + "\"",
                        "\"fingerprint\":\"" + Fingerprint.of(TOKEN_2) + "\"", "\"state\":\"active\"", "\"resetInSeconds\":",
                        "\"windowMarginMs\":100", "\"grantToWrite\":{\"writes\":10,", "\"queueDepth\":0,",
                        // the bucket's one key (scope upstream) with the 10 requests in its window
                        "\"keys\":1,\"busiestKeys\":[{\"scope\":\"\",\"used\":10,\"limit\":1000,\"remaining\":990,"
                                + "\"nextFreeInMs\":0}]",
                        // what the upstream reported, per token fingerprint
                        "\"learned\":{\"buckets\":", "\"lowestWindows\":[{\"token\":\"sha256:", "\"limit\":5000,")
                .doesNotContain(TOKEN_1, TOKEN_2);
        assertThat(status.body()).containsPattern("\"remaining\":49[89]\\d,\"resetInMs\":[1-9]");
    }

    @Test
    void statusListsOnlyTheBusiestKeysOfABucketAndCredentialScopesByFingerprint() {
        UpstreamSimulator upstream = github();
        RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                upstreams:
                  gh:
                    url: "%s"
                    dialect: github
                    tokens:
                      static: ["${T1}"]
                    buckets:
                      - { name: per-caller, limit: 5, per: 1h, scope: "header:Authorization" }
                routes:
                  - match: { pathPrefix: "/gh/" }
                    upstream: gh
                """.formatted(upstream.baseUrl()), ENV);
        open.add(proxy);
        AdminServer admin = admin(proxy, "");
        int callers = BUSIEST_KEYS_SHOWN + 10;
        for (int caller = 0; caller < callers; caller++) {
            String credential = "Bearer caller-secret-" + caller;
            // caller 0 sends 3 requests, caller 1 sends 2, every other caller 1
            for (int i = 0; i < (caller == 0 ? 3 : caller == 1 ? 2 : 1); i++) {
                assertThat(proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/gh/x")))
                        .header("Authorization", credential).build()).statusCode()).isEqualTo(200);
            }
        }

        String status = call(proxy, admin, "GET", "/status", null).body();

        assertThat(status).contains("\"name\":\"per-caller\",\"scope\":\"header:Authorization\",\"limit\":5,"
                        + "\"perMillis\":3600000,\"keys\":" + callers + ",\"busiestKeys\":[{\"scope\":\"Authorization="
                        + Fingerprint.of("Bearer caller-secret-0") + "\",\"used\":3,\"limit\":5,\"remaining\":2,"
                        + "\"nextFreeInMs\":0},{\"scope\":\"Authorization=" + Fingerprint.of("Bearer caller-secret-1")
                        + "\",\"used\":2,")
                .doesNotContain("caller-secret", TOKEN_1);
        assertThat(Pattern.compile("\"scope\":\"Authorization=").matcher(status).results().count())
                .as("only the busiest keys are listed").isEqualTo(BUSIEST_KEYS_SHOWN);
    }

    @Test
    void inFlightCapsShowTheirLoadInStatusAndMetricsByFingerprintOnly() throws Exception {
        Semaphore finish = new Semaphore(0);
        AtomicInteger arrived = new AtomicInteger();
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slow.setExecutor(Executors.newCachedThreadPool());
        slow.createContext("/", exchange -> {
            arrived.incrementAndGet();
            // The head goes out at once (so the token is heard from and lends itself to more than
            // one request at a time); the body, and with it the in-flight slot, waits for the test.
            try (java.io.OutputStream out = exchange.getResponseBody()) {
                exchange.sendResponseHeaders(200, 0);
                out.write('[');
                out.flush();
                if (!finish.tryAcquire(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never let the body finish");
                }
                out.write(']');
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        slow.start();
        open.add(() -> slow.stop(0));
        RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                queue: { maxWait: 30s }
                upstreams:
                  api:
                    url: "http://127.0.0.1:%d"
                    windowMargin: 250ms
                    tokens: { static: ["${T1}"] }
                    buckets:
                      - { name: inflight, maxConcurrent: 2, scope: token }
                      - { name: rate, limit: 100, per: 1s }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(slow.getAddress().getPort()), ENV);
        open.add(proxy);
        AdminServer admin = admin(proxy, "");
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(proxy.client.sendAsync(HttpRequest.newBuilder(URI.create(proxy.url("/api/x/" + i))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> arrived.get() == 2 && proxy.app.waitingRequests() == 1);

        String metrics = call(proxy, admin, "GET", "/metrics", null).body();
        String cap = "{bucket=\"inflight\",upstream=\"api\"}";
        assertThat(value(metrics, "rlproxy_bucket_in_flight_requests" + cap)).isEqualTo(2);
        assertThat(value(metrics, "rlproxy_bucket_in_flight_busiest_key" + cap)).isEqualTo(2);
        assertThat(value(metrics, "rlproxy_bucket_max_concurrent" + cap)).isEqualTo(2);
        assertThat(value(metrics, "rlproxy_bucket_in_flight_keys" + cap)).isEqualTo(1);
        assertThat(metrics).as("rate buckets have no in-flight series").doesNotContain("bucket=\"rate\"");
        assertThat(value(metrics, "rlproxy_window_margin_seconds{upstream=\"api\"}")).isEqualTo(0.25);
        assertThat(value(metrics, "rlproxy_queue_depth{upstream=\"api\"}")).as("the third request waits").isEqualTo(1);
        String status = call(proxy, admin, "GET", "/status", null).body();
        assertThat(status)
                .contains("{\"name\":\"inflight\",\"scope\":\"token\",\"maxConcurrent\":2,\"inFlight\":2,\"keys\":1,"
                        + "\"busiestKeys\":[{\"scope\":\"token=" + Fingerprint.of(TOKEN_1) + "\",\"inFlight\":2,\"max\":2}]}")
                .contains("{\"name\":\"rate\",\"scope\":\"upstream\",\"limit\":100,\"perMillis\":1000,\"keys\":1,"
                        + "\"busiestKeys\":[{\"scope\":\"\",\"used\":2,\"limit\":100,\"remaining\":98,\"nextFreeInMs\":0}]}")
                .contains("\"queueDepth\":1,\"waitingForToken\":0")
                .contains("\"windowMarginMs\":250")
                .doesNotContain(TOKEN_1);
        assertThat(metrics).doesNotContain(TOKEN_1);

        finish.release(3);
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(20, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("[]");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(value(
                call(proxy, admin, "GET", "/metrics", null).body(), "rlproxy_bucket_in_flight_requests" + cap)).isZero());
        assertThat(value(call(proxy, admin, "GET", "/metrics", null).body(),
                "rlproxy_grant_to_write_seconds_count{upstream=\"api\"}")).isEqualTo(3);
    }

    @Test
    void healthAndReadinessAndReadinessTurnsFalseWhenShutdownBegins() {
        RunningProxy proxy = proxy(github());
        AdminServer admin = admin(proxy, "");
        assertThat(call(proxy, admin, "GET", "/healthz", null).statusCode()).isEqualTo(200);
        HttpResponse<String> ready = call(proxy, admin, "GET", "/readyz", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"ready\":true}");

        proxy.app.close();
        HttpResponse<String> closing = call(proxy, admin, "GET", "/readyz", null);
        assertThat(closing.statusCode()).isEqualTo(503);
        assertThat(closing.body()).contains("shutting down");
    }

    @Test
    void bearerTokenGuardsEveryPathButHealthz() {
        RunningProxy proxy = proxy(github());
        AdminServer admin = admin(proxy, ADMIN_TOKEN);
        for (String path : List.of("/readyz", "/status", "/metrics")) {
            HttpResponse<String> refused = call(proxy, admin, "GET", path, null);
            assertThat(refused.statusCode()).as(path).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).as(path).isPresent();
            assertThat(call(proxy, admin, "GET", path, "wrong").statusCode()).as(path).isEqualTo(401);
            assertThat(call(proxy, admin, "GET", path, ADMIN_TOKEN).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(call(proxy, admin, "POST", "/reload", null).statusCode()).isEqualTo(401);
        assertThat(call(proxy, admin, "POST", "/reload", ADMIN_TOKEN).statusCode()).isEqualTo(200);
        assertThat(call(proxy, admin, "GET", "/healthz", null).statusCode()).isEqualTo(200);
        // The dashboard's page is static and holds no data; the /status it polls is guarded.
        HttpResponse<String> page = call(proxy, admin, "GET", "/dashboard", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>rlproxy dashboard</title>").doesNotContain(ADMIN_TOKEN);
    }

    @Test
    void adminPathsAreNeverReachableThroughTheProxyListener() {
        RunningProxy proxy = proxy(github());
        admin(proxy, "");
        for (String path : List.of("/healthz", "/readyz", "/status", "/metrics", "/dashboard", "/reload")) {
            HttpResponse<String> response = proxy.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).contains("no_route");
        }
    }

    @Test
    void unknownAdminPathsAndWrongMethodsAreRefused() {
        RunningProxy proxy = proxy(github());
        AdminServer admin = admin(proxy, "");
        assertThat(call(proxy, admin, "GET", "/nope", null).statusCode()).isEqualTo(404);
        assertThat(call(proxy, admin, "GET", "/reload", null).statusCode()).isEqualTo(405);
        assertThat(call(proxy, admin, "POST", "/metrics", null).statusCode()).isEqualTo(405);
    }

    /** The sample value of one series in Prometheus text, or fails when it is absent. */
    static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        assertThat(m.find()).as("series %s in%n%s", series, exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }

    static String body(HttpResponse<String> response) {
        if (response == null) {
            throw new UncheckedIOException(new IOException("no response"));
        }
        return response.body();
    }
}

package dev.rlproxy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rlproxy.server.cli.Main;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import dev.rlproxy.server.simulator.WindowMode;
import dev.rlproxy.server.store.RedisClusterProcesses;
import dev.rlproxy.server.store.RedisServerProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real proxy processes share one real redis-server (or a 3-node Redis Cluster) and one
 * simulated upstream that enforces its limit over a sliding window: together they must keep it at
 * zero violations while using nearly all of it, also when one replica is killed with {@code -9}
 * mid-load and started again.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class MultiReplicaIntegrationTest {

    private static final String TOKEN = "mr-token-0001";
    private static final String SECOND_TOKEN = "mr-token-0002";
    private static final int LIMIT = 60;
    private static final Duration PER = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    private final List<Replica> replicas = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private RedisServerProcess redis;
    private RedisClusterProcesses cluster;
    private UpstreamSimulator upstream;

    @AfterEach
    void stopAll() {
        replicas.forEach(Replica::kill);
        if (upstream != null) {
            upstream.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void threeReplicasTogetherKeepOneConfiguredLimitAndUseIt() throws Exception {
        Path config = startRedisUpstreamAndConfig();
        startReplicas(config, 3);

        List<CompletableFuture<HttpResponse<String>>> sent = offer(6 * LIMIT);

        assertThat(served(sent)).as("every request answered 200: maxWait is long enough").isEqualTo(6 * LIMIT);
        assertThat(upstream.violations()).as("upstream violations across all replicas").isZero();
        // At most LIMIT per (per + windowMargin) = 0.8 of the upstream's rate can be used here. In this
        // harness one replica on the in-memory store measured 0.64 and three replicas on Redis 0.66-0.70:
        // sharing costs nothing measurable. The bound catches a lease scheme that starves replicas.
        double used = UpstreamArrivals.of(upstream).utilisationAfterFirstWindow(LIMIT, PER.toMillis());
        assertThat(used).as("share of the upstream's rate used across replicas").isGreaterThanOrEqualTo(0.55);
    }

    /**
     * The same promise with the shared state on a 3-node Redis Cluster: the replicas reach the
     * nodes through the cluster client (MOVED redirects, hash-tagged keys), and the limit holds
     * across all of them exactly as on one server.
     */
    @Test
    void threeReplicasOnARedisClusterKeepOneConfiguredLimitAndUseIt() throws Exception {
        cluster = RedisClusterProcesses.start(3);
        Path config = startUpstreamAndConfig(cluster.uri());
        startReplicas(config, 3);

        List<CompletableFuture<HttpResponse<String>>> sent = offer(4 * LIMIT);

        assertThat(served(sent)).as("every request answered 200: maxWait is long enough").isEqualTo(4 * LIMIT);
        assertThat(upstream.violations()).as("upstream violations across all replicas").isZero();
        // Measured 0.72 here (0.66 for one standalone Redis in the same run conditions): the
        // cluster's redirects and slot routing cost nothing measurable.
        double used = UpstreamArrivals.of(upstream).utilisationAfterFirstWindow(LIMIT, PER.toMillis());
        assertThat(used).as("share of the upstream's rate used across replicas").isGreaterThanOrEqualTo(0.6);
        assertThat(cluster.keysPerNode().stream().mapToLong(Long::longValue).sum())
                .as("the replicas' shared state lives in the cluster").isPositive();
    }

    @Test
    void aReplicaKilledWithSigkillMidLoadAndStartedAgainCausesNoViolation() throws Exception {
        Path config = startRedisUpstreamAndConfig();
        startReplicas(config, 3);

        List<CompletableFuture<HttpResponse<String>>> sent = offer(6 * LIMIT);
        await().atMost(Duration.ofSeconds(30)).until(() -> upstream.accepted() >= LIMIT);
        replicas.get(0).kill(); // -9: its open leases stay counted in Redis until they expire
        replicas.set(0, Replica.start(config, dir.resolve("replica-0-again.log")));
        List<CompletableFuture<HttpResponse<String>>> more = offer(LIMIT); // some through the new replica 0

        long served = served(sent) + served(more);
        assertThat(upstream.violations()).as("upstream violations across all replicas").isZero();
        assertThat(served).as("answers with 200 (only replica 0's queued requests died with it)")
                .isGreaterThanOrEqualTo(7L * LIMIT - 2L * LIMIT);
    }

    @Test
    void threeReplicasShareWhatTheUpstreamsHeadersSayAndTheTokensInProportion() throws Exception {
        redis = RedisServerProcess.start();
        upstream = UpstreamSimulator.start(SimulatorSpec.github(40, PER)
                .withTokenLimits(Map.of(TOKEN, 40, SECOND_TOKEN, 20)).withRequestJournal(true));
        Path config = Files.writeString(dir.resolve("github.yaml"), """
                store:
                  type: redis
                  redis: { uri: "%s", timeout: 2s }
                queue: { maxWait: 60s }
                upstreams:
                  github:
                    url: "%s"
                    dialect: github
                    tokens:
                      static: ["${TOKEN}", "${SECOND_TOKEN}"]
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: github
                """.formatted(redis.uri(), upstream.baseUrl()));
        startReplicas(config, 3);

        List<CompletableFuture<HttpResponse<String>>> sent = offer(180);

        assertThat(served(sent)).as("every request answered 200").isEqualTo(180);
        assertThat(upstream.violations()).as("upstream violations across all replicas").isZero();
        Map<String, Long> byToken = upstream.acceptedByToken();
        assertThat((double) byToken.get(TOKEN) / byToken.get(SECOND_TOKEN))
                .as("tokens used in proportion to their limits (40:20) across replicas: " + byToken)
                .isBetween(1.4, 2.8);
    }

    // Both configs give Redis answers 2 s instead of the default 250 ms: these tests are about sharing,
    // not outages, and on a loaded 2-core machine three JVMs plus Redis can miss 250 ms, which opens the
    // breaker (fail-closed answers 503) and fails the "every request answered" check for the wrong reason.
    private Path startRedisUpstreamAndConfig() throws IOException {
        redis = RedisServerProcess.start();
        return startUpstreamAndConfig(redis.uri());
    }

    private Path startUpstreamAndConfig(String redisUri) throws IOException {
        upstream = UpstreamSimulator.start(SimulatorSpec.none(LIMIT, PER)
                .withWindowMode(WindowMode.SLIDING).withRequestJournal(true));
        return Files.writeString(dir.resolve("proxy.yaml"), """
                store:
                  type: redis
                  redis: { uri: "%s", onFailure: fail-closed, timeout: 2s }
                queue: { maxWait: 60s }
                upstreams:
                  api:
                    url: "%s"
                    windowMargin: 500ms
                    tokens:
                      static: ["${TOKEN}"]
                    buckets:
                      - { name: strict, limit: %d, per: 2s, scope: upstream }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(redisUri, upstream.baseUrl(), LIMIT));
    }

    /** Launches {@code count} processes at once (their JVMs start in parallel), then waits until each serves. */
    private void startReplicas(Path config, int count) throws IOException {
        List<Replica> launched = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            launched.add(Replica.launch(config, dir.resolve("replica-" + i + ".log")));
        }
        replicas.addAll(launched);
        for (Replica replica : launched) {
            replica.awaitServing();
        }
    }

    /** Sends {@code total} requests at once, spread round-robin over the replicas. */
    private List<CompletableFuture<HttpResponse<String>>> offer(int total) {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            Replica replica = replicas.get(i % replicas.size());
            sent.add(client.sendAsync(HttpRequest.newBuilder(URI.create(replica.url("/api/items/" + i)))
                    .timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        return sent;
    }

    private static long served(List<CompletableFuture<HttpResponse<String>>> sent) {
        return sent.stream().map(f -> f.handle((r, e) -> e == null && r.statusCode() == 200))
                .filter(CompletableFuture::join).count();
    }

    /** One proxy process. */
    private record Replica(Process process, int port, Path log) {

        static Replica start(Path config, Path log) throws IOException {
            Replica replica = launch(config, log);
            replica.awaitServing();
            return replica;
        }

        static Replica launch(Path config, Path log) throws IOException {
            int port = freePort();
            ProcessBuilder builder = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "run", "--config", config.toString(), "--set", "server.listen=127.0.0.1:" + port,
                    "--set", "admin.listen=127.0.0.1:" + freePort()))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("TOKEN", TOKEN);
            builder.environment().put("SECOND_TOKEN", SECOND_TOKEN);
            return new Replica(builder.start(), port, log);
        }

        void awaitServing() throws IOException {
            HttpClient client = HttpClient.newHttpClient();
            try {
                await().atMost(Duration.ofSeconds(120)).failFast("the replica exited", () -> !process.isAlive())
                        .ignoreExceptions().until(() -> client.send(
                        HttpRequest.newBuilder(URI.create(url("/nowhere"))).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 404);
            } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
                kill();
                throw new AssertionError("replica did not serve; its output:\n" + Files.readString(log), e);
            }
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }
}

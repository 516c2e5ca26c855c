package dev.rlproxy.server.it;

import dev.rlproxy.core.tokens.Fingerprint;
import dev.rlproxy.core.tokens.TokenState;
import dev.rlproxy.core.tokens.TokenStatus;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * A pool of tokens under real load through the real proxy: the pool spreads work in proportion to
 * what each token may do, never trips the upstream, and routes around a token revoked mid-run.
 */
class TokenPoolLoadIntegrationTest {

    private static final String A = "it-pool-token-aaaa";
    private static final String B = "it-pool-token-bbbb";
    private static final String C = "it-pool-token-cccc";
    private static final Map<String, String> ENV = Map.of("A", A, "B", B, "C", C);
    private static final Duration WINDOW = Duration.ofSeconds(1);

    private static String yaml(UpstreamSimulator upstream) {
        return """
                server: { listen: "127.0.0.1:0" }
                queue: { maxWait: 30s }
                upstreams:
                  gh:
                    url: "%s"
                    dialect: github
                    tokens:
                      static: ["${A}", "${B}", "${C}"]
                routes:
                  - match: { pathPrefix: "/gh/" }
                    upstream: gh
                """.formatted(upstream.baseUrl());
    }

    @Test
    void tokensWithDifferentLimitsCarryLoadInProportionWithZeroViolations() {
        Map<String, Integer> limits = Map.of(A, 10, B, 20, C, 30);
        int total = 420;   // seven full rounds of the three tokens' combined 60 per window
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(1, WINDOW)
                .withTokenLimits(limits).withValidTokens(limits.keySet()).withRequestJournal(true));
             RunningProxy proxy = RunningProxy.start(yaml(upstream), ENV)) {

            long started = System.nanoTime();
            // 120 requests always outstanding against 60 per window: demand far above supply.
            ConcurrentLoad load = ConcurrentLoad.run(proxy.client, proxy.url("/gh/repos/o/r/issues?n="), total, 120);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

            Map<String, Long> accepted = upstream.acceptedByToken();
            Map<String, List<Integer>> perWindow = new HashMap<>();
            limits.keySet().forEach(token -> perWindow.put(token, acceptedPerWindow(upstream, token)));
            System.out.printf("token pool load: %d requests in %d s, accepted by limit 10/20/30 = %d/%d/%d,"
                            + " per upstream window %s / %s / %s%n", total, seconds, accepted.get(A), accepted.get(B),
                    accepted.get(C), perWindow.get(A), perWindow.get(B), perWindow.get(C));
            assertThat(upstream.violations()).as("upstream violations").isZero();
            assertThat(load.transportErrors.get()).isZero();
            assertThat(load.count(200)).as("every request served within maxWait").isEqualTo(total);
            assertThat(accepted).containsOnlyKeys(A, B, C);
            limits.forEach((token, limit) -> {
                // Each token's own windows (all but its last, which the end of the load may cut short)
                // carry its limit: load in proportion to what each token may do.
                List<Integer> windows = perWindow.get(token);
                assertThat(windows).as("windows of the token with limit %d", limit).hasSizeGreaterThanOrEqualTo(4);
                double average = windows.subList(0, windows.size() - 1).stream().mapToInt(i -> i).average().orElseThrow();
                assertThat(average).as("average use per window of the token with limit %d", limit)
                        .isCloseTo(limit, within(limit * 0.10));
                // And over the whole run: each token's share in proportion to its limit (±10 %).
                double expected = total * limit / 60.0;
                assertThat((double) accepted.get(token)).as("share of the token with limit %d", limit)
                        .isCloseTo(expected, within(expected * 0.10));
            });
        }
    }

    /**
     * The 2xx answers {@code token} got, grouped into the simulator's fixed windows: a window opens
     * with the first request after the previous one ended and lasts {@link #WINDOW}.
     */
    private static List<Integer> acceptedPerWindow(UpstreamSimulator upstream, String token) {
        List<Long> times = upstream.wireMock().getAllServeEvents().stream()
                .filter(e -> e.getResponse().getStatus() == 200)
                .filter(e -> ("Bearer " + token).equals(e.getRequest().getHeader("Authorization")))
                .map(e -> e.getRequest().getLoggedDate().getTime())
                .sorted()
                .toList();
        List<Integer> counts = new ArrayList<>();
        long windowStart = Long.MIN_VALUE;
        for (long t : times) {
            if (counts.isEmpty() || t - windowStart >= WINDOW.toMillis()) {
                windowStart = t;
                counts.add(0);
            }
            counts.set(counts.size() - 1, counts.get(counts.size() - 1) + 1);
        }
        return counts;
    }

    @Test
    void tokenRevokedMidRunIsQuarantinedAndNoClientSeesA401() {
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(10_000, Duration.ofMinutes(1))
                .withValidTokens(ENV.values().stream().collect(java.util.stream.Collectors.toSet()))
                .withLatency(Duration.ofMillis(5)));
             RunningProxy proxy = RunningProxy.start(yaml(upstream), ENV)) {

            CompletableFuture<ConcurrentLoad> running = CompletableFuture.supplyAsync(
                    () -> ConcurrentLoad.run(proxy.client, proxy.url("/gh/repos/o/r/pulls?n="), 1500, 20));
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                    .until(() -> upstream.accepted() >= 150);
            upstream.revoke(B);
            Map<String, Long> atRevoke = upstream.acceptedByToken();
            ConcurrentLoad load = running.join();

            Map<String, Long> accepted = upstream.acceptedByToken();
            long refusedB = upstream.requestsByToken().get(B) - accepted.get(B);
            System.out.printf("revoked mid-run: accepted at revoke %s, at end %s, 401s for B %d%n",
                    redact(atRevoke), redact(accepted), refusedB);
            assertThat(load.count(401)).as("clients that saw a 401").isZero();
            assertThat(load.count(200)).isEqualTo(1500);
            assertThat(load.transportErrors.get()).isZero();
            assertThat(refusedB).as("B was used after its revocation, and answered 401").isPositive();
            // In flight at the moment of revocation at most; then quarantined, never chosen again.
            assertThat(refusedB).isLessThanOrEqualTo(20);
            assertThat(accepted.get(A) - atRevoke.get(A)).as("A carried load after the revocation").isPositive();
            assertThat(accepted.get(C) - atRevoke.get(C)).as("C carried load after the revocation").isPositive();
            assertThat(stateOf(proxy, B)).isEqualTo(TokenState.QUARANTINED);
            assertThat(stateOf(proxy, A)).isEqualTo(TokenState.ACTIVE);
            assertThat(upstream.violations()).isZero();
        }
    }

    @Test
    void whenEveryTokenIsRevokedTheClientGetsTheUpstreams401NotAProxyError() {
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(100, Duration.ofMinutes(1)));
             RunningProxy proxy = RunningProxy.start(yaml(upstream), ENV)) {
            ENV.values().forEach(upstream::revoke);

            HttpResponse<String> response = proxy.get("/gh/user");

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("X-Proxy-Error")).isEmpty();
            assertThat(response.body()).contains("Bad credentials");
            assertThat(upstream.requestsSeen()).as("each token tried once").isEqualTo(3);
            assertThat(proxy.app.upstreams().get("gh").tokens().status())
                    .extracting(TokenStatus::state).containsOnly(TokenState.QUARANTINED);
        }
    }

    static TokenState stateOf(RunningProxy proxy, String token) {
        List<TokenStatus> status = proxy.app.upstreams().values().iterator().next().tokens().status();
        return status.stream().filter(s -> s.fingerprint().equals(Fingerprint.of(token)))
                .findFirst().orElseThrow().state();
    }

    private static String redact(Map<String, Long> byToken) {
        return "A=" + byToken.get(A) + " B=" + byToken.get(B) + " C=" + byToken.get(C);
    }
}

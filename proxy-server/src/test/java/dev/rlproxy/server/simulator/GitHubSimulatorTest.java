package dev.rlproxy.server.simulator;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static dev.rlproxy.server.simulator.SimulatorClient.header;
import static org.assertj.core.api.Assertions.assertThat;

/** GitHub dialect over real sockets; time moves only when the test says so. */
class GitHubSimulatorTest extends ManualClockSimulatorTest {

    private static final long START_EPOCH_SECONDS = 1_767_225_600L;

    @Test
    void everyAnswerCarriesTheRateLimitHeadersAndAnEcho() {
        start(SimulatorSpec.github(3, Duration.ofSeconds(10)));
        HttpResponse<String> first = client.get("/repos/x/y?page=2", "tok-a");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("{\"ok\":true,\"method\":\"GET\",\"path\":\"/repos/x/y\",\"n\":1}");
        assertThat(header(first, "Content-Type")).startsWith("application/json");
        assertThat(header(first, "X-RateLimit-Limit")).isEqualTo("3");
        assertThat(header(first, "X-RateLimit-Remaining")).isEqualTo("2");
        assertThat(header(first, "X-RateLimit-Used")).isEqualTo("1");
        assertThat(header(first, "X-RateLimit-Reset")).isEqualTo(Long.toString(START_EPOCH_SECONDS + 10));
        assertThat(header(first, "X-RateLimit-Resource")).isEqualTo("core");

        clock.advance(Duration.ofMillis(2_500));
        HttpResponse<String> second = client.get("/user", "tok-a");
        assertThat(header(second, "X-RateLimit-Remaining")).isEqualTo("1");
        assertThat(header(second, "X-RateLimit-Used")).isEqualTo("2");
        // Still the window opened by the first request.
        assertThat(header(second, "X-RateLimit-Reset")).isEqualTo(Long.toString(START_EPOCH_SECONDS + 10));
        assertThat(second.body()).contains("\"n\":2");
    }

    @Test
    void resetEpochSecondsRoundUp() {
        start(SimulatorSpec.github(3, Duration.ofMillis(10_200)));
        assertThat(header(client.get("/", "tok-a"), "X-RateLimit-Reset")).isEqualTo(Long.toString(START_EPOCH_SECONDS + 11));
    }

    @Test
    void overTheLimitAnswers403AndCountsAViolation() {
        start(SimulatorSpec.github(3, Duration.ofSeconds(10)));
        assertThat(client.getTimes(3, "/user", "tok-a")).isEqualTo(3);
        clock.advance(Duration.ofSeconds(4));
        HttpResponse<String> refused = client.get("/user", "tok-a");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).startsWith("{\"message\":\"API rate limit exceeded for user ID 1.\"")
                .doesNotContain("tok-a");
        assertThat(header(refused, "X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(header(refused, "X-RateLimit-Used")).isEqualTo("3");
        assertThat(header(refused, "X-RateLimit-Reset")).isEqualTo(Long.toString(START_EPOCH_SECONDS + 10));
        assertThat(simulator.violations()).isEqualTo(1);
        assertThat(simulator.violationsByToken()).isEqualTo(Map.of("tok-a", 1L));
        assertThat(simulator.accepted()).isEqualTo(3);
        assertThat(simulator.requestsSeen()).isEqualTo(4);
    }

    @Test
    void theNextWindowOpensAtTheFirstRequestAfterTheResetTime() {
        start(SimulatorSpec.github(2, Duration.ofSeconds(10)));
        client.getTimes(3, "/", "tok-a");
        clock.advance(Duration.ofMillis(9_999));
        assertThat(client.get("/", "tok-a").statusCode()).isEqualTo(403);
        clock.advance(Duration.ofMillis(1));
        clock.advance(Duration.ofSeconds(5));
        HttpResponse<String> reopened = client.get("/", "tok-a");
        assertThat(reopened.statusCode()).isEqualTo(200);
        assertThat(header(reopened, "X-RateLimit-Remaining")).isEqualTo("1");
        assertThat(header(reopened, "X-RateLimit-Reset")).isEqualTo(Long.toString(START_EPOCH_SECONDS + 25));
        assertThat(simulator.violations()).isEqualTo(2);
    }

    @Test
    void eachTokenHasItsOwnQuotaAndMayHaveItsOwnLimit() {
        start(SimulatorSpec.github(2, Duration.ofSeconds(10)).withTokenLimit("tok-b", 5));
        assertThat(client.getTimes(4, "/", "tok-a")).isEqualTo(2);
        assertThat(client.getTimes(7, "/", "tok-b")).isEqualTo(5);
        assertThat(header(client.get("/", "tok-b"), "X-RateLimit-Limit")).isEqualTo("5");
        assertThat(client.getTimes(3, "/", null)).isEqualTo(2);

        assertThat(simulator.acceptedByToken()).isEqualTo(Map.of("tok-a", 2L, "tok-b", 5L, "anonymous", 2L));
        assertThat(simulator.violationsByToken()).isEqualTo(Map.of("tok-a", 2L, "tok-b", 3L, "anonymous", 1L));
        assertThat(simulator.violations()).isEqualTo(6);
        assertThat(simulator.requestsByToken()).containsEntry("tok-b", 8L);
    }

    @Test
    void slidingModeRefusesWhatAFixedWindowWouldLetThrough() {
        start(SimulatorSpec.github(2, Duration.ofSeconds(10)).withWindowMode(WindowMode.SLIDING));
        client.get("/", "tok-a");
        clock.advance(Duration.ofSeconds(9));
        client.get("/", "tok-a");
        clock.advance(Duration.ofSeconds(1));
        // A fixed window would have reopened here; the strict count still holds the request at 9 s.
        assertThat(client.get("/", "tok-a").statusCode()).isEqualTo(200);
        HttpResponse<String> refused = client.get("/", "tok-a");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(header(refused, "X-RateLimit-Reset")).isEqualTo(Long.toString(START_EPOCH_SECONDS + 19));
        clock.advance(Duration.ofSeconds(9));
        assertThat(client.get("/", "tok-a").statusCode()).isEqualTo(200);
        assertThat(simulator.violations()).isEqualTo(1);
    }

    @Test
    void onlyValidTokensGetThrough() {
        start(SimulatorSpec.github(5, Duration.ofSeconds(10)).withValidTokens(Set.of("tok-a", "tok-b")));
        HttpResponse<String> bad = client.get("/", "tok-x");
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.body()).isEqualTo("{\"message\":\"Bad credentials\"}");
        assertThat(header(bad, "X-RateLimit-Limit")).isNull();
        HttpResponse<String> missing = client.get("/", null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).isEqualTo("{\"message\":\"Requires authentication\"}");
        assertThat(client.get("/", "tok-a").statusCode()).isEqualTo(200);
        assertThat(simulator.violations()).isZero();
        assertThat(simulator.requestsSeen()).isEqualTo(3);
        assertThat(simulator.accepted()).isEqualTo(1);
    }

    @Test
    void aRevokedTokenAnswers401FromThenOn() {
        start(SimulatorSpec.github(5, Duration.ofSeconds(10)).withValidTokens(Set.of("tok-a", "tok-b")));
        assertThat(client.get("/", "tok-a").statusCode()).isEqualTo(200);
        simulator.revoke("tok-a");
        assertThat(client.get("/", "tok-a").statusCode()).isEqualTo(401);
        assertThat(client.get("/", "tok-b").statusCode()).isEqualTo(200);
        simulator.reset();
        assertThat(client.get("/", "tok-a").statusCode()).isEqualTo(401);
    }

    @Test
    void theTokenHeaderIsConfigurableAndSchemesAreStripped() {
        start(SimulatorSpec.github(1, Duration.ofSeconds(10)).withTokenHeader("X-Api-Key"));
        assertThat(client.send("GET", "/", "X-Api-Key", "k1").statusCode()).isEqualTo(200);
        assertThat(client.send("GET", "/", "X-Api-Key", "token k1").statusCode()).isEqualTo(403);
        // Authorization is not looked at any more: this is the anonymous caller.
        assertThat(client.send("GET", "/", "Authorization", "Bearer k1").statusCode()).isEqualTo(200);
        assertThat(simulator.acceptedByToken()).isEqualTo(Map.of("k1", 1L, "anonymous", 1L));
    }

    @Test
    void resetForgetsCountersAndLimits() {
        start(SimulatorSpec.github(1, Duration.ofSeconds(10)));
        client.getTimes(3, "/a", "tok-a");
        simulator.reset();
        assertThat(simulator.requestsSeen()).isZero();
        assertThat(simulator.violations()).isZero();
        assertThat(simulator.violationsByToken()).isEmpty();
        assertThat(simulator.requestsByPath()).isEmpty();
        HttpResponse<String> fresh = client.get("/a", "tok-a");
        assertThat(fresh.statusCode()).isEqualTo(200);
        assertThat(fresh.body()).contains("\"n\":1");
    }

    @Test
    void requestsAreCountedPerPathWithoutTheQuery() {
        start(SimulatorSpec.github(10, Duration.ofSeconds(10)));
        client.get("/a?x=1", "tok-a");
        client.get("/a?x=2", "tok-b");
        client.send("POST", "/b", "Authorization", "Bearer tok-a");
        assertThat(simulator.requestsByPath()).isEqualTo(Map.of("/a", 2L, "/b", 1L));
    }

    @Test
    void listEndpointsPaginateWithAbsoluteLinksAndMovedPathsRedirect() {
        start(SimulatorSpec.github(10, Duration.ofSeconds(10)));
        String base = simulator.baseUrl() + "/repos/x/y/issues?per_page=40&page=";
        HttpResponse<String> first = client.get("/repos/x/y/issues?per_page=40", "tok-a");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(header(first, "Link")).isEqualTo("<" + base + "2>; rel=\"next\", <" + base + "3>; rel=\"last\"");
        assertThat(first.body()).startsWith("[{\"id\":1,\"url\":\"" + simulator.baseUrl() + "/repos/x/y/issues/1\"")
                .contains("\"id\":40,").doesNotContain("\"id\":41,");
        HttpResponse<String> last = client.get("/repos/x/y/issues?per_page=40&page=3", "tok-a");
        assertThat(header(last, "Link")).isEqualTo("<" + base + "1>; rel=\"first\", <" + base + "2>; rel=\"prev\"");
        assertThat(last.body()).contains("\"id\":95,").doesNotContain("\"id\":96,");
        assertThat(header(last, "X-RateLimit-Remaining")).isEqualTo("8");

        HttpResponse<String> moved = client.get("/moved/repos/x/y?a=1", "tok-a");
        assertThat(moved.statusCode()).isEqualTo(301);
        assertThat(header(moved, "Location")).isEqualTo(simulator.baseUrl() + "/repos/x/y?a=1");
    }

    @Test
    void aConditionalRequestAnswered304IsNotCounted() {
        start(SimulatorSpec.github(3, Duration.ofSeconds(10)));
        HttpResponse<String> first = client.get("/repos/x/y", "tok-a");
        String etag = header(first, "ETag");
        assertThat(etag).isNotBlank();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> again = conditionalGet("/repos/x/y", "tok-a", etag);
            assertThat(again.statusCode()).isEqualTo(304);
            assertThat(header(again, "X-RateLimit-Remaining")).isEqualTo("2");
        }
        assertThat(header(client.get("/repos/x/y", "tok-a"), "X-RateLimit-Remaining")).isEqualTo("1");
    }

    private HttpResponse<String> conditionalGet(String path, String token, String etag) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                    .newBuilder(java.net.URI.create(simulator.baseUrl() + path))
                    .header("Authorization", "Bearer " + token).header("If-None-Match", etag).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

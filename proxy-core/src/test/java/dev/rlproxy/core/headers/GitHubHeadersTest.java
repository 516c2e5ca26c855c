package dev.rlproxy.core.headers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GitHubHeadersTest {

    private final GitHubHeaders github = new GitHubHeaders();

    @Test
    void readsTheResourceAsBucketAndWindow() {
        long now = 1_691_590_735_000L; // the capture's Date header
        RateLimitObservation observation = github.parse(HttpCaptures.load("github-status"), now);

        assertThat(observation).isEqualTo(new RateLimitObservation("core",
                java.util.List.of(new RateLimitWindow("core", 5000, 4999, 1_691_591_363_000L)), false, false, -1));
    }

    @Test
    void primaryLimitSpentIsThrottledUntilTheReset() {
        long now = 1_377_010_241_000L; // Tue, 20 Aug 2013 14:50:41 GMT
        RateLimitObservation observation = github.parse(HttpCaptures.load("github-primary-exceeded"), now);

        assertThat(observation.throttled()).isTrue();
        assertThat(observation.bucket()).isNull();
        assertThat(observation.windows()).containsExactly(new RateLimitWindow("default", 60, 0, 1_377_013_266_000L));
        assertThat(observation.retryAfterMillis()).isEqualTo(3_025_000L);
    }

    @Test
    void secondaryLimitIsThrottledForTheRetryAfter() {
        RateLimitObservation observation = github.parse(HttpCaptures.load("github-secondary-exceeded"), 1_691_590_735_000L);

        assertThat(observation.throttled()).isTrue();
        assertThat(observation.retryAfterMillis()).isEqualTo(60_000);
        assertThat(observation.windows()).containsExactly(new RateLimitWindow("core", 5000, 4985, 1_691_591_363_000L));
    }

    @Test
    void forbiddenWithoutRateLimitSignalIsAPermissionErrorNotAThrottle() {
        RateLimitObservation observation = github.parse(HttpCaptures.load("github-permission-denied"), 1_691_590_735_000L);

        assertThat(observation.throttled()).isFalse();
        assertThat(observation.retryAfterMillis()).isEqualTo(-1);
        assertThat(observation.windows()).containsExactly(new RateLimitWindow("core", 5000, 4998, 1_691_591_363_000L));
    }

    @Test
    void bareForbiddenIsNotThrottledButBareTooManyRequestsIs() {
        assertThat(github.parse(new UpstreamResponse(403, ResponseHeaders.of()), 0).isEmpty()).isTrue();
        assertThat(github.parse(new UpstreamResponse(429, ResponseHeaders.of()), 0).throttled()).isTrue();
    }

    @Test
    void tooManyRequestsWithRemainingZeroWaitsUntilReset() {
        UpstreamResponse response = new UpstreamResponse(429, ResponseHeaders.of(
                "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1000", "X-RateLimit-Resource", "search"));

        RateLimitObservation observation = github.parse(response, 990_000);

        assertThat(observation.throttled()).isTrue();
        assertThat(observation.bucket()).isEqualTo("search");
        assertThat(observation.retryAfterMillis()).isEqualTo(10_000);
    }

    @Test
    void derivesRemainingFromLimitAndUsedWhenRemainingIsMissing() {
        UpstreamResponse response = new UpstreamResponse(403, ResponseHeaders.of(
                "X-RateLimit-Limit", "60", "X-RateLimit-Used", "60"));

        RateLimitObservation observation = github.parse(response, 0);

        assertThat(observation.windows()).containsExactly(new RateLimitWindow("default", 60, 0, -1));
        assertThat(observation.throttled()).isTrue();
    }

    @Test
    void retryAfterOnASuccessIsIgnored() {
        RateLimitObservation observation = github.parse(
                new UpstreamResponse(200, ResponseHeaders.of("Retry-After", "30")), 0);

        assertThat(observation.isEmpty()).isTrue();
    }

    @Test
    void duplicateHeadersUseTheFirstValueAndGarbageStaysUnknown() {
        UpstreamResponse response = new UpstreamResponse(200, ResponseHeaders.of(
                "X-RateLimit-Limit", "5000", "x-ratelimit-limit", "60",
                "X-RateLimit-Remaining", "99999999999999999999",
                "X-RateLimit-Reset", "soon"));

        assertThat(github.parse(response, 0).windows()).containsExactly(new RateLimitWindow("default", 5000, -1, -1));
    }
}

package dev.rlproxy.core.headers;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each upstream's answers are held to its {@code maxResetWait} before anything believes them. */
class BoundedDialectTest {

    private static final long NOW = 1_700_000_000_000L;

    private final HeaderDialect github = Dialects.bounded(new GitHubHeaders(), "github", Duration.ofHours(1));

    @Test
    void clampsResetsAndRetryAfterToTheMaximum() {
        RateLimitObservation observation = github.parse(new UpstreamResponse(429, ResponseHeaders.of(
                "X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "0",
                "X-RateLimit-Reset", Long.toString(NOW / 1000 + 86_400), "Retry-After", "99999999")), NOW);

        assertThat(observation).isEqualTo(new RateLimitObservation(null,
                List.of(new RateLimitWindow("default", 5000, 0, NOW + 3_600_000)), true, false, 3_600_000));
    }

    @Test
    void saneAnswersPassUnchanged() {
        UpstreamResponse response = new UpstreamResponse(200, ResponseHeaders.of(
                "X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "4999",
                "X-RateLimit-Reset", Long.toString(NOW / 1000 + 3_600), "X-RateLimit-Resource", "core"));

        assertThat(github.parse(response, NOW)).isEqualTo(new GitHubHeaders().parse(response, NOW));
    }

    @Test
    void dropsWindowsThatAreNotCredibleEvenFromADialectThatKeepsThem() {
        HeaderDialect careless = (response, now) -> new RateLimitObservation("b", List.of(
                new RateLimitWindow("zero", 0, 0, now + 1_000),
                new RateLimitWindow("more-left-than-allowed", 10, 11, now + 1_000),
                new RateLimitWindow("fine", 10, 3, now + 1_000)), false, false, -1);

        RateLimitObservation observation = Dialects.bounded(careless, "x", Duration.ofMinutes(1))
                .parse(new UpstreamResponse(200, ResponseHeaders.of()), NOW);

        assertThat(observation.windows()).containsExactly(new RateLimitWindow("fine", 10, 3, NOW + 1_000));
    }

    @Test
    void gitHubLimitZeroOrUsedBeyondTheLimitIsNoInformation() {
        GitHubHeaders raw = new GitHubHeaders();
        RateLimitObservation zero = raw.parse(new UpstreamResponse(403, ResponseHeaders.of(
                "X-RateLimit-Limit", "0", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1700000060")), NOW);
        RateLimitObservation overused = raw.parse(new UpstreamResponse(200, ResponseHeaders.of(
                "X-RateLimit-Limit", "60", "X-RateLimit-Used", "61", "X-RateLimit-Reset", "1700000060")), NOW);

        // Only the reset is left, which on its own holds nothing back.
        assertThat(zero.windows()).containsExactly(new RateLimitWindow("default", -1, -1, 1_700_000_060_000L));
        assertThat(zero.throttled()).as("a 403 with a zero limit is not a spent quota").isFalse();
        assertThat(overused.windows()).containsExactly(new RateLimitWindow("default", -1, -1, 1_700_000_060_000L));
    }

    @Test
    void needsAPositiveMaximum() {
        assertThatThrownBy(() -> Dialects.bounded(new GitHubHeaders(), "x", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

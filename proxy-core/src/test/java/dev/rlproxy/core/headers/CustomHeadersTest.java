package dev.rlproxy.core.headers;

import dev.rlproxy.core.headers.CustomHeaderMapping.ResetFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CustomHeadersTest {

    private static final long NOW = 1_700_000_000_000L;

    private static CustomHeaders dialect(ResetFormat format) {
        return new CustomHeaders(new CustomHeaderMapping(
                "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", format, "X-Bucket", "X-Retry-In"));
    }

    @ParameterizedTest
    @CsvSource({
            "EPOCH_SECONDS, 1700000030.5, 1700000030500",
            "EPOCH_MILLIS, 1700000030500, 1700000030500",
            "DELTA_SECONDS, 30.5, 1700000030500",
            "DELTA_MILLIS, 30500, 1700000030500"})
    void readsTheResetInTheConfiguredFormat(ResetFormat format, String reset, long expectedResetAt) {
        UpstreamResponse response = new UpstreamResponse(200, ResponseHeaders.of(
                "X-Rate-Limit-Limit", "100", "X-Rate-Limit-Remaining", "7", "X-Rate-Limit-Reset", reset,
                "X-Bucket", "search"));

        assertThat(dialect(format).parse(response, NOW)).isEqualTo(new RateLimitObservation("search",
                List.of(new RateLimitWindow("search", 100, 7, expectedResetAt)), false, false, -1));
    }

    @Test
    void customRetryAfterHeaderWinsOnRefusals() {
        UpstreamResponse response = new UpstreamResponse(429, ResponseHeaders.of("X-Retry-In", "3", "Retry-After", "9"));

        RateLimitObservation observation = dialect(ResetFormat.DELTA_SECONDS).parse(response, NOW);

        assertThat(observation.throttled()).isTrue();
        assertThat(observation.retryAfterMillis()).isEqualTo(3_000);
    }

    @Test
    void standardRetryAfterIsTheFallback() {
        UpstreamResponse response = new UpstreamResponse(429, ResponseHeaders.of("X-Retry-In", "later", "Retry-After", "9"));

        assertThat(dialect(ResetFormat.DELTA_SECONDS).parse(response, NOW).retryAfterMillis()).isEqualTo(9_000);
    }

    @Test
    void absurdResetsAreUnknown() {
        UpstreamResponse response = new UpstreamResponse(200, ResponseHeaders.of("X-Rate-Limit-Reset", "99999999999999999999"));

        for (ResetFormat format : ResetFormat.values()) {
            assertThat(dialect(format).parse(response, NOW).windows()).as(format.name()).isEmpty();
        }
    }

    @Test
    void mappingNeedsAtLeastOneHeader() {
        assertThatThrownBy(() -> new CustomHeaderMapping(null, null, null, ResetFormat.EPOCH_SECONDS, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one of limitHeader");
    }

    @Test
    void resetHeaderNeedsAFormat() {
        assertThatThrownBy(() -> new CustomHeaderMapping(null, null, "X-Reset", null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resetFormat")
                .hasMessageContaining("DELTA_SECONDS");
    }

    @Test
    void headerNamesMustBeHeaderNames() {
        assertThatThrownBy(() -> new CustomHeaderMapping(" ", null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limitHeader");
        assertThatThrownBy(() -> new CustomHeaderMapping(null, "X-Remaining: 5", null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("remainingHeader");
    }
}

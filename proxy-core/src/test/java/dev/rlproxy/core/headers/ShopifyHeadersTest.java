package dev.rlproxy.core.headers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShopifyHeadersTest {

    private static final long NOW = 1_700_000_000_000L;

    @Test
    void leakyBucketEmptiesAtTheDefaultTwoCallsPerSecond() {
        RateLimitObservation observation = new ShopifyHeaders().parse(HttpCaptures.load("shopify-call-limit"), NOW);

        assertThat(observation).isEqualTo(new RateLimitObservation(null,
                List.of(new RateLimitWindow("default", 40, 8, NOW + 16_000)), false, false, -1));
    }

    @Test
    void leakRateIsConfigurable() {
        RateLimitObservation observation = new ShopifyHeaders(4).parse(HttpCaptures.load("shopify-call-limit"), NOW);

        assertThat(observation.windows()).containsExactly(new RateLimitWindow("default", 40, 8, NOW + 8_000));
    }

    @Test
    void fullBucketRefusalIsThrottledWithFractionalRetryAfter() {
        RateLimitObservation observation = new ShopifyHeaders().parse(HttpCaptures.load("shopify-throttled"), NOW);

        assertThat(observation).isEqualTo(new RateLimitObservation(null,
                List.of(new RateLimitWindow("default", 40, 0, NOW + 20_000)), true, false, 2_000));
    }

    @Test
    void overfullBucketHasNothingRemaining() {
        UpstreamResponse response = new UpstreamResponse(200, ResponseHeaders.of("X-Shopify-Shop-Api-Call-Limit", "45/40"));

        assertThat(new ShopifyHeaders().parse(response, NOW).windows())
                .containsExactly(new RateLimitWindow("default", 40, 0, NOW + 22_500));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "32", "/40", "32/", "a/b", "32/40/2", "-1/40", " 32 / 40 "})
    void malformedCallLimitNeverThrows(String value) {
        RateLimitObservation observation = new ShopifyHeaders().parse(
                new UpstreamResponse(200, ResponseHeaders.of("X-Shopify-Shop-Api-Call-Limit", value)), NOW);

        if (value.equals(" 32 / 40 ")) {
            assertThat(observation.windows()).containsExactly(new RateLimitWindow("default", 40, 8, NOW + 16_000));
        } else {
            assertThat(observation.windows()).allSatisfy(w -> assertThat(w.remaining()).isEqualTo(-1));
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -2, Double.NaN, Double.POSITIVE_INFINITY})
    void rejectsALeakRateThatIsNotPositiveAndFinite(double leakRate) {
        assertThatThrownBy(() -> new ShopifyHeaders(leakRate))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leak rate");
    }
}

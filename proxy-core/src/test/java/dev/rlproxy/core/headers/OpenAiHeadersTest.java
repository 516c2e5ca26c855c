package dev.rlproxy.core.headers;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiHeadersTest {

    private static final long NOW = 1_700_000_000_000L;

    private final OpenAiHeaders openAi = new OpenAiHeaders();

    @Test
    void readsRequestAndTokenWindowsWithGoDurationResets() {
        RateLimitObservation observation = openAi.parse(HttpCaptures.load("openai-headers"), NOW);

        assertThat(observation).isEqualTo(new RateLimitObservation(null, List.of(
                new RateLimitWindow("requests", 60, 59, NOW + 1_000),
                new RateLimitWindow("tokens", 150_000, 149_984, NOW + 360_000)), false, false, -1));
    }

    @Test
    void tooManyRequestsIsThrottledAndRetryAfterMsWins() {
        UpstreamResponse response = new UpstreamResponse(429, ResponseHeaders.of(
                "x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "1h2m3.5s",
                "retry-after", "1", "retry-after-ms", "250"));

        RateLimitObservation observation = openAi.parse(response, NOW);

        assertThat(observation.throttled()).isTrue();
        assertThat(observation.retryAfterMillis()).isEqualTo(250);
        assertThat(observation.windows()).containsExactly(new RateLimitWindow("tokens", -1, 0, NOW + 3_723_500));
    }

    @Test
    void retryAfterIsUsedWhenRetryAfterMsIsGarbage() {
        UpstreamResponse response = new UpstreamResponse(429, ResponseHeaders.of(
                "retry-after", "20", "retry-after-ms", "-5"));

        assertThat(openAi.parse(response, NOW).retryAfterMillis()).isEqualTo(20_000);
    }

    @Test
    void onlyTheWindowsThatArePresentAreReported() {
        UpstreamResponse response = new UpstreamResponse(200, ResponseHeaders.of("x-ratelimit-reset-requests", "20ms"));

        assertThat(openAi.parse(response, NOW).windows())
                .containsExactly(new RateLimitWindow("requests", -1, -1, NOW + 20));
    }
}

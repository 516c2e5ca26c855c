package dev.rlproxy.core.headers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterHeadersTest {

    private static final long Y2K_MINUS_ONE_MINUTE = 946_684_739_000L; // Fri, 31 Dec 1999 23:58:59 GMT

    private final RetryAfterHeaders retryAfter = new RetryAfterHeaders();

    @Test
    void unavailableWithDelaySecondsIsThrottled() {
        RateLimitObservation observation = retryAfter.parse(HttpCaptures.load("retry-after-seconds"), 0);

        assertThat(observation).isEqualTo(new RateLimitObservation(null, null, true, false, 120_000));
    }

    @Test
    void httpDateIsTurnedIntoAWait() {
        RateLimitObservation observation = retryAfter.parse(HttpCaptures.load("retry-after-date"), Y2K_MINUS_ONE_MINUTE);

        assertThat(observation.throttled()).isTrue();
        assertThat(observation.retryAfterMillis()).isEqualTo(60_000);
    }

    @Test
    void httpDateInThePastMeansNow() {
        RateLimitObservation observation = retryAfter.parse(HttpCaptures.load("retry-after-date"), 1_700_000_000_000L);

        assertThat(observation.retryAfterMillis()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"})
    void acceptsAllThreeHttpDateForms(String date) {
        long now = 784_111_777_000L - 5_000;

        assertThat(RetryAfterHeaders.retryAfterMillis(date, now)).isEqualTo(5_000);
    }

    @Test
    void unavailableWithoutRetryAfterIsAnOutageNotAThrottle() {
        assertThat(retryAfter.parse(new UpstreamResponse(503, ResponseHeaders.of()), 0).isEmpty()).isTrue();
        assertThat(retryAfter.parse(new UpstreamResponse(503, ResponseHeaders.of("Retry-After", "soon")), 0).isEmpty())
                .isTrue();
    }

    @Test
    void tooManyRequestsIsThrottledEvenWithoutRetryAfter() {
        RateLimitObservation observation = retryAfter.parse(new UpstreamResponse(429, ResponseHeaders.of()), 0);

        assertThat(observation).isEqualTo(new RateLimitObservation(null, null, true, false, -1));
    }

    @Test
    void retryAfterOnOtherStatusesIsNotARateLimit() {
        for (int status : new int[] {200, 301, 403, 500}) {
            UpstreamResponse response = new UpstreamResponse(status, ResponseHeaders.of("Retry-After", "10"));

            assertThat(retryAfter.parse(response, 0).isEmpty()).as("status %d", status).isTrue();
        }
    }

    @Test
    void everyDialectHonoursRetryAfterOnRefusals() {
        UpstreamResponse response = new UpstreamResponse(503, ResponseHeaders.of("Retry-After", "7"));
        for (String name : Dialects.names()) {
            RateLimitObservation observation = Dialects.named(name).parse(response, 0);

            assertThat(observation.throttled()).as(name).isTrue();
            assertThat(observation.retryAfterMillis()).as(name).isEqualTo(7_000);
        }
        RateLimitObservation custom = Dialects.custom(new CustomHeaderMapping("X-Limit", null, null, null, null, null))
                .parse(response, 0);
        assertThat(custom.retryAfterMillis()).isEqualTo(7_000);
    }
}

package dev.rlproxy.core.headers;

/**
 * The {@code Retry-After} header (RFC 9110 10.2.3): delta seconds or an HTTP-date.
 *
 * <p>As a dialect of its own it serves upstreams that send nothing else: a 429 is throttled, and so
 * is a 503 that carries a Retry-After (a bare 503 is an outage, not a rate limit). Every other
 * dialect reuses {@link #refusal} so that Retry-After means the same thing everywhere.
 */
public final class RetryAfterHeaders implements HeaderDialect {

    public static final String RETRY_AFTER = "Retry-After";

    /**
     * What a status + Retry-After pair says, before any dialect-specific signal is added.
     *
     * @param throttled        429, or 503 with a readable Retry-After
     * @param retryAfterMillis the wait asked for on a 429 or 503, or -1
     */
    public record Refusal(boolean throttled, long retryAfterMillis) {
    }

    @Override
    public RateLimitObservation parse(UpstreamResponse response, long nowEpochMillis) {
        Refusal refusal = refusal(response, nowEpochMillis);
        return new RateLimitObservation(null, null, refusal.throttled(), false, refusal.retryAfterMillis());
    }

    /**
     * Reads Retry-After on a 429 or 503 only: on other statuses (e.g. a redirect) it does not
     * speak about rate limits.
     */
    public static Refusal refusal(UpstreamResponse response, long nowEpochMillis) {
        int status = response.status();
        if (status != 429 && status != 503) {
            return new Refusal(false, HeaderValues.UNKNOWN);
        }
        long retryAfter = retryAfterMillis(HeaderValues.first(response.headers(), RETRY_AFTER), nowEpochMillis);
        return new Refusal(status == 429 || retryAfter >= 0, retryAfter);
    }

    /**
     * A Retry-After value as a wait in milliseconds: delta seconds (fractional accepted, Shopify
     * sends {@code 2.0}) or an HTTP-date, where a date in the past means 0. Garbage gives -1.
     */
    public static long retryAfterMillis(String value, long nowEpochMillis) {
        long delta = HeaderValues.secondsAsMillis(value);
        if (delta >= 0) {
            return delta;
        }
        return HeaderValues.millisUntil(HeaderValues.httpDateAsEpochMillis(value, nowEpochMillis), nowEpochMillis);
    }

    @Override
    public String toString() {
        return "retry-after";
    }
}

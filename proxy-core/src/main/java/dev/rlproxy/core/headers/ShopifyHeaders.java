package dev.rlproxy.core.headers;

/**
 * Shopify REST Admin API: {@code X-Shopify-Shop-Api-Call-Limit: 32/40} is a leaky bucket holding
 * 32 of 40 calls. It leaks at a fixed rate (2 calls/s on standard plans, more on Plus), so
 * remaining = limit - used and the bucket is empty again at now + used / leak rate. A 429 is
 * throttled and carries {@code Retry-After} in fractional seconds ({@code 2.0}).
 */
public final class ShopifyHeaders implements HeaderDialect {

    /** The leak rate of standard plans, in calls per second. */
    public static final double DEFAULT_LEAK_RATE_PER_SECOND = 2.0;

    private final double leakRatePerSecond;

    /** A dialect for standard plans, leaking {@value #DEFAULT_LEAK_RATE_PER_SECOND} calls per second. */
    public ShopifyHeaders() {
        this(DEFAULT_LEAK_RATE_PER_SECOND);
    }

    /** @param leakRatePerSecond how many calls the bucket drains per second; must be positive and finite */
    public ShopifyHeaders(double leakRatePerSecond) {
        if (!(leakRatePerSecond > 0) || Double.isInfinite(leakRatePerSecond)) {
            throw new IllegalArgumentException(
                    "Shopify leak rate must be a positive number of calls per second, got " + leakRatePerSecond);
        }
        this.leakRatePerSecond = leakRatePerSecond;
    }

    @Override
    public RateLimitObservation parse(UpstreamResponse response, long nowEpochMillis) {
        String callLimit = HeaderValues.first(response.headers(), "X-Shopify-Shop-Api-Call-Limit");
        int slash = callLimit == null ? -1 : callLimit.indexOf('/');
        long used = slash < 0 ? HeaderValues.UNKNOWN : HeaderValues.count(callLimit.substring(0, slash));
        long limit = slash < 0 ? HeaderValues.UNKNOWN : HeaderValues.count(callLimit.substring(slash + 1));
        long remaining = used >= 0 && limit >= 0 ? Math.max(0, limit - used) : HeaderValues.UNKNOWN;
        long emptyAt = used < 0 ? HeaderValues.UNKNOWN
                : HeaderValues.plus(nowEpochMillis, drainMillis(used));

        RetryAfterHeaders.Refusal refusal = RetryAfterHeaders.refusal(response, nowEpochMillis);
        return new RateLimitObservation(null, KnownWindows.of("default", limit, remaining, emptyAt),
                refusal.throttled(), false, refusal.retryAfterMillis());
    }

    /** Time to drain {@code used} calls, rounded up; absurd values come out unknown via {@link HeaderValues#plus}. */
    private long drainMillis(long used) {
        double millis = Math.ceil(used * 1000.0 / leakRatePerSecond);
        return millis > HeaderValues.MAX_AHEAD_MILLIS ? HeaderValues.UNKNOWN : (long) millis;
    }

    /** The leak rate this dialect assumes, in calls per second. */
    public double leakRatePerSecond() {
        return leakRatePerSecond;
    }

    @Override
    public String toString() {
        return "shopify(leak " + leakRatePerSecond + "/s)";
    }
}

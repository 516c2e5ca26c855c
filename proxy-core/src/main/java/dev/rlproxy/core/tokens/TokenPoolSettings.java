package dev.rlproxy.core.tokens;

import java.time.Duration;

/**
 * How a {@link TokenPool} accounts for its tokens.
 *
 * @param defaultLimit   calls per {@code resetInterval} assumed for a token until the upstream reports
 *                       its real limit; {@code null} when unknown (such a token counts as unlimited
 *                       until its first response says otherwise)
 * @param resetInterval  the window of {@code defaultLimit}; also projects the next reset once a
 *                       reported reset has passed
 * @param grace          added to every reset and retry-after: clocks differ and resets are rounded
 * @param quarantineBase first quarantine after a 401; doubles with each failed probe
 * @param quarantineMax  the longest quarantine
 * @param maxResetWait   the furthest ahead any reset or retry-after the upstream reports is believed:
 *                       no single answer keeps a token out of service longer (plus {@code grace})
 * @param maxWaiters     checkouts that may wait at once; more are refused at once (like a full ticket queue)
 */
public record TokenPoolSettings(
        Long defaultLimit,
        Duration resetInterval,
        Duration grace,
        Duration quarantineBase,
        Duration quarantineMax,
        Duration maxResetWait,
        int maxWaiters) {

    public static final Duration DEFAULT_MAX_RESET_WAIT = Duration.ofHours(1);
    public static final int DEFAULT_MAX_WAITERS = 10_000;

    public static final TokenPoolSettings DEFAULTS = new TokenPoolSettings(
            null, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofHours(1));

    /** Settings with the default {@code maxResetWait} and {@code maxWaiters}. */
    public TokenPoolSettings(Long defaultLimit, Duration resetInterval, Duration grace, Duration quarantineBase,
                             Duration quarantineMax) {
        this(defaultLimit, resetInterval, grace, quarantineBase, quarantineMax, DEFAULT_MAX_RESET_WAIT,
                DEFAULT_MAX_WAITERS);
    }

    public TokenPoolSettings {
        if (defaultLimit != null && defaultLimit <= 0) {
            throw new IllegalArgumentException("defaultLimit must be positive when set, was " + defaultLimit);
        }
        requirePositive("resetInterval", resetInterval);
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException("grace must be zero or positive, was " + grace);
        }
        requirePositive("quarantineBase", quarantineBase);
        requirePositive("quarantineMax", quarantineMax);
        if (quarantineMax.compareTo(quarantineBase) < 0) {
            throw new IllegalArgumentException("quarantineMax (" + quarantineMax
                    + ") must not be shorter than quarantineBase (" + quarantineBase + ")");
        }
        requirePositive("maxResetWait", maxResetWait);
        if (maxResetWait.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException("maxResetWait must be at most 365 days, was " + maxResetWait);
        }
        if (maxWaiters < 0) {
            throw new IllegalArgumentException("maxWaiters must not be negative, was " + maxWaiters);
        }
    }

    /** These settings with a default limit of {@code limit} calls per {@code interval}. */
    public TokenPoolSettings withDefaultLimit(long limit, Duration interval) {
        return new TokenPoolSettings(limit, interval, grace, quarantineBase, quarantineMax, maxResetWait, maxWaiters);
    }

    /** These settings with answers believed up to {@code wait} ahead and at most {@code waiters} waiting checkouts. */
    public TokenPoolSettings withBounds(Duration wait, int waiters) {
        return new TokenPoolSettings(defaultLimit, resetInterval, grace, quarantineBase, quarantineMax, wait, waiters);
    }

    ExponentialBackoff quarantineBackoff() {
        return new ExponentialBackoff(quarantineBase, quarantineMax);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}

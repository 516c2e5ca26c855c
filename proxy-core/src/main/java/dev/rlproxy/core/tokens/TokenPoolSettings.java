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
 */
public record TokenPoolSettings(
        Long defaultLimit,
        Duration resetInterval,
        Duration grace,
        Duration quarantineBase,
        Duration quarantineMax) {

    public static final TokenPoolSettings DEFAULTS = new TokenPoolSettings(
            null, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofHours(1));

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
    }

    /** These settings with a default limit of {@code limit} calls per {@code interval}. */
    public TokenPoolSettings withDefaultLimit(long limit, Duration interval) {
        return new TokenPoolSettings(limit, interval, grace, quarantineBase, quarantineMax);
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

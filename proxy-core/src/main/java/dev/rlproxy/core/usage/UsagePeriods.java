package dev.rlproxy.core.usage;

import dev.rlproxy.core.config.QuotaPeriod;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * UTC calendar periods: the key a period's usage is counted under ({@code 2026-12},
 * {@code 2026-12-02}) and the moment it ends (the next one begins at zero).
 */
public final class UsagePeriods {

    private UsagePeriods() {
    }

    /** The period containing {@code wallMillis}, as a key: {@code yyyy-MM} or {@code yyyy-MM-dd}. */
    public static String key(QuotaPeriod period, long wallMillis) {
        LocalDate day = day(wallMillis);
        return period == QuotaPeriod.DAY ? day.toString() : day.toString().substring(0, 7);
    }

    /** Epoch millis at which the period containing {@code wallMillis} ends. */
    public static long endMillis(QuotaPeriod period, long wallMillis) {
        LocalDate day = day(wallMillis);
        LocalDate next = period == QuotaPeriod.DAY ? day.plusDays(1) : day.withDayOfMonth(1).plusMonths(1);
        return next.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    private static LocalDate day(long wallMillis) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(wallMillis), ZoneOffset.UTC);
    }
}

package dev.rlproxy.core.usage;

import dev.rlproxy.core.config.QuotaPeriod;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class UsagePeriodsTest {

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void periodsAreUtcCalendarDaysAndMonths() {
        long lastMilliOfTheYear = at("2026-12-31T23:59:59.999Z");
        assertThat(UsagePeriods.key(QuotaPeriod.MONTH, lastMilliOfTheYear)).isEqualTo("2026-12");
        assertThat(UsagePeriods.key(QuotaPeriod.DAY, lastMilliOfTheYear)).isEqualTo("2026-12-31");
        assertThat(UsagePeriods.endMillis(QuotaPeriod.MONTH, lastMilliOfTheYear)).isEqualTo(at("2027-01-01T00:00:00Z"));
        assertThat(UsagePeriods.endMillis(QuotaPeriod.DAY, lastMilliOfTheYear)).isEqualTo(at("2027-01-01T00:00:00Z"));

        long newYear = at("2027-01-01T00:00:00Z");
        assertThat(UsagePeriods.key(QuotaPeriod.MONTH, newYear)).isEqualTo("2027-01");
        assertThat(UsagePeriods.key(QuotaPeriod.DAY, newYear)).isEqualTo("2027-01-01");

        long day = at("2026-12-02T13:00:00Z");
        assertThat(UsagePeriods.key(QuotaPeriod.DAY, day)).isEqualTo("2026-12-02");
        assertThat(UsagePeriods.endMillis(QuotaPeriod.DAY, day)).isEqualTo(at("2026-12-03T00:00:00Z"));
        assertThat(UsagePeriods.endMillis(QuotaPeriod.MONTH, at("2028-02-10T00:00:00Z")))
                .as("leap year").isEqualTo(at("2028-03-01T00:00:00Z"));
    }
}

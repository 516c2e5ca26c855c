package dev.rlproxy.core.headers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderValuesTest {

    private static final long NOW = 1_700_000_000_000L;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0|0", "4999|4999", "' 42\t'|42", "9223372036854775807|9223372036854775807"})
    void readsCounts(String value, long expected) {
        assertThat(HeaderValues.count(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-1", "+5", "1.5", "1e3", "NaN", "Infinity", "0x10", "99999999999999999999",
            "9223372036854775808", "\u0665", "12 34", "5,000"})
    void garbageCountsAreUnknown(String value) {
        assertThat(HeaderValues.count(value)).isEqualTo(HeaderValues.UNKNOWN);
        assertThat(HeaderValues.count(null)).isEqualTo(HeaderValues.UNKNOWN);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0|0", "65|65000", "64.57|64570", "2.0|2000", "0.0001|1", "1.2345|1235"})
    void readsFractionalSecondsRoundingUp(String value, long expectedMillis) {
        assertThat(HeaderValues.secondsAsMillis(value)).isEqualTo(expectedMillis);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-0.5", ".5", "5.", "NaN", "1e2", "1,5", "99999999999999999999", "316224001"})
    void garbageOrAbsurdSecondsAreUnknown(String value) {
        assertThat(HeaderValues.secondsAsMillis(value)).isEqualTo(HeaderValues.UNKNOWN);
    }

    @Test
    void tenYearsIsTheLimit() {
        long tenYearsSeconds = HeaderValues.MAX_AHEAD_MILLIS / 1000;

        assertThat(HeaderValues.secondsAsMillis(Long.toString(tenYearsSeconds))).isEqualTo(HeaderValues.MAX_AHEAD_MILLIS);
        assertThat(HeaderValues.secondsAsMillis(Long.toString(tenYearsSeconds + 1))).isEqualTo(HeaderValues.UNKNOWN);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1s|1000", "6m0s|360000", "1h2m3.5s|3723500", "250ms|250", "20ms|20", "0s|0", "0|0",
            "1.5ms|2", "500us|1", "500\u00b5s|1", "1000000ns|1", ".5s|500", "2h|7200000", "+3s|3000"})
    void readsGoDurations(String value, long expectedMillis) {
        assertThat(HeaderValues.goDurationAsMillis(value)).isEqualTo(expectedMillis);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "1", "-1s", "1x", "1.2.3s", "1s2", "ms", ".s", "1 s", "100000h", "NaNs", "1d"})
    void garbageGoDurationsAreUnknown(String value) {
        assertThat(HeaderValues.goDurationAsMillis(value)).isEqualTo(HeaderValues.UNKNOWN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
            "Mon, 06 Nov 1994 08:49:37 GMT", "sun, 06 nov 1994 08:49:37 GMT"})
    void readsHttpDates(String value) {
        assertThat(HeaderValues.httpDateAsEpochMillis(value, NOW)).isEqualTo(784_111_777_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC", "2024-01-01T00:00:00Z", "Sun, 06 Nov 9999 08:49:37 GMT", "yesterday"})
    void garbageHttpDatesAreUnknown(String value) {
        assertThat(HeaderValues.httpDateAsEpochMillis(value, NOW)).isEqualTo(HeaderValues.UNKNOWN);
    }

    @Test
    void epochSecondsKeepMillisecondPrecision() {
        assertThat(HeaderValues.epochSecondsAsMillis("1470173023.123", NOW)).isEqualTo(1_470_173_023_123L);
        assertThat(HeaderValues.epochSecondsAsMillis("1e10", NOW)).isEqualTo(HeaderValues.UNKNOWN);
        assertThat(HeaderValues.epochSecondsAsMillis("99999999999999999999", NOW)).isEqualTo(HeaderValues.UNKNOWN);
    }

    @Test
    void relativeTimesNeverOverflow() {
        assertThat(HeaderValues.plus(Long.MAX_VALUE - 1, 5)).isEqualTo(HeaderValues.UNKNOWN);
        assertThat(HeaderValues.plus(NOW, HeaderValues.UNKNOWN)).isEqualTo(HeaderValues.UNKNOWN);
        assertThat(HeaderValues.plus(NOW, 5)).isEqualTo(NOW + 5);
        assertThat(HeaderValues.millisUntil(NOW - 5, NOW)).isZero();
        assertThat(HeaderValues.millisUntil(NOW + 5, NOW)).isEqualTo(5);
    }

    @Test
    void secondsFromJsonNumbers() {
        assertThat(HeaderValues.secondsAsMillis(new BigDecimal("64.57"))).isEqualTo(64_570);
        assertThat(HeaderValues.secondsAsMillis(new BigDecimal("-1"))).isEqualTo(HeaderValues.UNKNOWN);
        assertThat(HeaderValues.secondsAsMillis(new BigDecimal("1E+400"))).isEqualTo(HeaderValues.UNKNOWN);
    }

    @Test
    void tokensArePrintableShortAndSpaceFree() {
        assertThat(HeaderValues.token(" abcd1234 ")).isEqualTo("abcd1234");
        assertThat(HeaderValues.token("a b")).isNull();
        assertThat(HeaderValues.token("caf\u00e9")).isNull();
        assertThat(HeaderValues.token("x".repeat(129))).isNull();
        assertThat(HeaderValues.token("")).isNull();
    }
}

package dev.rlproxy.core.headers;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one tolerant parser every dialect shares for header values: counts, fractional seconds, Go
 * durations and HTTP dates. Every method is total: garbage, negative numbers, NaN, overflow and
 * values further away than {@link #MAX_AHEAD_MILLIS} give {@link #UNKNOWN} (-1), never an exception.
 *
 * <p>Only ASCII digits count as digits ({@link Long#parseLong} would accept other scripts' digits).
 * Durations are rounded up to whole milliseconds: waiting a little longer is safe, shorter is not.
 */
public final class HeaderValues {

    /** What every method returns for a value it cannot read. */
    public static final long UNKNOWN = -1;

    /** Anything further ahead than about ten years is treated as a broken value, not a real wait. */
    public static final long MAX_AHEAD_MILLIS = 10L * 366 * 24 * 3600 * 1000;

    /** Longer values are garbage for every header we read; rejecting them bounds the parsing work. */
    private static final int MAX_VALUE_LENGTH = 128;
    /** Bucket ids longer than this are not ids but garbage; they would only bloat the limiter's keys. */
    private static final int MAX_TOKEN_LENGTH = 128;

    private static final BigDecimal MILLIS_PER_SECOND = BigDecimal.valueOf(1000);
    private static final BigDecimal MAX_AHEAD = BigDecimal.valueOf(MAX_AHEAD_MILLIS);
    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");
    private static final Pattern GO_DURATION_PART = Pattern.compile("([0-9]*\\.?[0-9]*)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)");
    private static final Map<String, BigDecimal> GO_UNIT_MILLIS = Map.of(
            "ns", new BigDecimal("0.000001"), "us", new BigDecimal("0.001"), "\u00b5s", new BigDecimal("0.001"),
            "\u03bcs", new BigDecimal("0.001"), "ms", BigDecimal.ONE, "s", MILLIS_PER_SECOND,
            "m", BigDecimal.valueOf(60_000), "h", BigDecimal.valueOf(3_600_000));

    /** IMF-fixdate, the preferred form: {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    private static final Pattern IMF_FIXDATE = Pattern.compile(
            "[A-Za-z]{3}, ([0-9]{2}) ([A-Za-z]{3}) ([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT");
    /** Obsolete RFC 850 form: {@code Sunday, 06-Nov-94 08:49:37 GMT}. */
    private static final Pattern RFC_850 = Pattern.compile(
            "[A-Za-z]{6,9}, ([0-9]{2})-([A-Za-z]{3})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT");
    /** Obsolete asctime form: {@code Sun Nov  6 08:49:37 1994}. */
    private static final Pattern ASCTIME = Pattern.compile(
            "[A-Za-z]{3} ([A-Za-z]{3}) {1,2}([0-9]{1,2}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([0-9]{4})");
    private static final List<String> MONTHS = List.of(
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");

    private HeaderValues() {
    }

    /** The first value of the header, trimmed, or null when absent. Duplicates: the first one wins. */
    public static String first(ResponseHeaders headers, String name) {
        String value = headers.get(name);
        return value == null ? null : value.strip();
    }

    /** Every value of the header joined with commas, as HTTP allows for list-valued fields; null when absent. */
    public static String joined(ResponseHeaders headers, String name) {
        List<String> values = headers.getAll(name);
        return values.isEmpty() ? null : String.join(",", values);
    }

    /** A non-negative integer count ({@code 4999}), or {@link #UNKNOWN}. */
    public static long count(String value) {
        String text = clean(value);
        if (text == null || !isAsciiDigits(text)) {
            return UNKNOWN;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException overflow) {
            return UNKNOWN;
        }
    }

    /** Non-negative, possibly fractional seconds ({@code 64.57}, {@code 2.0}) as milliseconds, or {@link #UNKNOWN}. */
    public static long secondsAsMillis(String value) {
        String text = clean(value);
        if (text == null || !DECIMAL.matcher(text).matches()) {
            return UNKNOWN;
        }
        return secondsAsMillis(new BigDecimal(text));
    }

    /** Non-negative seconds as milliseconds (rounded up), or {@link #UNKNOWN} if negative or too large. */
    public static long secondsAsMillis(BigDecimal seconds) {
        if (seconds == null || seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(MAX_AHEAD_MILLIS)) > 0) {
            return UNKNOWN;
        }
        return withinReach(seconds.multiply(MILLIS_PER_SECOND));
    }

    /** Non-negative, possibly fractional epoch seconds ({@code 1470173023.123}) as epoch milliseconds, or unknown. */
    public static long epochSecondsAsMillis(String value, long nowEpochMillis) {
        String text = clean(value);
        if (text == null || !DECIMAL.matcher(text).matches()) {
            return UNKNOWN;
        }
        BigDecimal millis = new BigDecimal(text).multiply(MILLIS_PER_SECOND).setScale(0, RoundingMode.CEILING);
        if (millis.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            return UNKNOWN;
        }
        return epochWithinReach(millis.longValue(), nowEpochMillis);
    }

    /** Epoch milliseconds that are not absurdly far ahead of now, or {@link #UNKNOWN}. */
    public static long epochWithinReach(long epochMillis, long nowEpochMillis) {
        if (epochMillis < 0 || epochMillis - Math.max(nowEpochMillis, 0) > MAX_AHEAD_MILLIS) {
            return UNKNOWN;
        }
        return epochMillis;
    }

    /** A delta in milliseconds that is not absurdly long, or {@link #UNKNOWN}. */
    public static long deltaWithinReach(long deltaMillis) {
        return deltaMillis < 0 || deltaMillis > MAX_AHEAD_MILLIS ? UNKNOWN : deltaMillis;
    }

    /** {@code now + delta}, or {@link #UNKNOWN} if either is unknown or the sum is not a sane epoch time. */
    public static long plus(long nowEpochMillis, long deltaMillis) {
        if (nowEpochMillis < 0 || deltaMillis < 0 || deltaMillis > MAX_AHEAD_MILLIS
                || nowEpochMillis > Long.MAX_VALUE - deltaMillis) {
            return UNKNOWN;
        }
        return nowEpochMillis + deltaMillis;
    }

    /** Milliseconds from now until an epoch time, 0 if it has passed, or {@link #UNKNOWN} if it is unknown. */
    public static long millisUntil(long epochMillis, long nowEpochMillis) {
        return epochMillis < 0 ? UNKNOWN : Math.max(0, epochMillis - Math.max(nowEpochMillis, 0));
    }

    /**
     * A Go {@code time.Duration} string as OpenAI sends it ({@code 1s}, {@code 6m0s}, {@code 1h2m3.5s},
     * {@code 250ms}; also a bare {@code 0}) as milliseconds rounded up, or {@link #UNKNOWN}.
     */
    public static long goDurationAsMillis(String value) {
        String text = clean(value);
        if (text == null) {
            return UNKNOWN;
        }
        if (text.startsWith("+")) {
            text = text.substring(1);
        }
        if (text.equals("0")) {
            return 0;
        }
        Matcher part = GO_DURATION_PART.matcher(text);
        BigDecimal total = BigDecimal.ZERO;
        int at = 0;
        while (at < text.length()) {
            part.region(at, text.length());
            if (!part.lookingAt() || part.group(1).replace(".", "").isEmpty()) {
                return UNKNOWN;
            }
            total = total.add(new BigDecimal(padded(part.group(1))).multiply(GO_UNIT_MILLIS.get(part.group(2))));
            at = part.end();
        }
        return at == 0 ? UNKNOWN : withinReach(total);
    }

    /**
     * An HTTP-date (RFC 9110 IMF-fixdate, or the obsolete RFC 850 and asctime forms) as epoch
     * milliseconds, or {@link #UNKNOWN}. The day name is not checked against the date; {@code now}
     * places RFC 850's two-digit years and rejects dates absurdly far ahead.
     */
    public static long httpDateAsEpochMillis(String value, long nowEpochMillis) {
        String text = clean(value);
        if (text == null) {
            return UNKNOWN;
        }
        long epochMillis = UNKNOWN;
        Matcher m = IMF_FIXDATE.matcher(text);
        if (m.matches()) {
            epochMillis = epochMillis(number(m.group(3)), m.group(2), number(m.group(1)),
                    m.group(4), m.group(5), m.group(6));
        } else if ((m = RFC_850.matcher(text)).matches()) {
            epochMillis = epochMillis(rfc850Year(number(m.group(3)), nowEpochMillis), m.group(2), number(m.group(1)),
                    m.group(4), m.group(5), m.group(6));
        } else if ((m = ASCTIME.matcher(text)).matches()) {
            epochMillis = epochMillis(number(m.group(6)), m.group(1), number(m.group(2)),
                    m.group(3), m.group(4), m.group(5));
        }
        return epochWithinReach(epochMillis, nowEpochMillis);
    }

    /**
     * A short identifier such as a bucket or resource name: trimmed, printable ASCII without
     * spaces, at most 128 characters; anything else gives null.
     */
    public static String token(String value) {
        String text = value == null ? null : value.strip();
        if (text == null || text.isEmpty() || text.length() > MAX_TOKEN_LENGTH) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c > '~') {
                return null;
            }
        }
        return text;
    }

    /** True for {@code true} in any case, surrounded by whitespace or not. */
    public static boolean isTrue(String value) {
        return value != null && value.strip().equalsIgnoreCase("true");
    }

    private static String clean(String value) {
        if (value == null) {
            return null;
        }
        String text = value.strip();
        return text.isEmpty() || text.length() > MAX_VALUE_LENGTH ? null : text;
    }

    private static long withinReach(BigDecimal millis) {
        BigDecimal rounded = millis.setScale(0, RoundingMode.CEILING);
        return rounded.signum() < 0 || rounded.compareTo(MAX_AHEAD) > 0 ? UNKNOWN : rounded.longValue();
    }

    private static boolean isAsciiDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Go accepts {@code .5s} and {@code 5.s}; BigDecimal wants digits on both sides of the point. */
    private static String padded(String number) {
        String text = number.startsWith(".") ? "0" + number : number;
        return text.endsWith(".") ? text + "0" : text;
    }

    private static int number(String digits) {
        return Integer.parseInt(digits);
    }

    /** RFC 9110 5.6.7: a two-digit year more than 50 years in the future belongs to the previous century. */
    private static int rfc850Year(int twoDigits, long nowEpochMillis) {
        int thisYear = Instant.ofEpochMilli(Math.max(nowEpochMillis, 0)).atZone(ZoneOffset.UTC).getYear();
        int year = thisYear - thisYear % 100 + twoDigits;
        return year > thisYear + 50 ? year - 100 : year;
    }

    private static long epochMillis(int year, String monthName, int day, String hour, String minute, String second) {
        int month = MONTHS.indexOf(monthName.toLowerCase(Locale.ROOT)) + 1;
        if (month == 0) {
            return UNKNOWN;
        }
        try {
            LocalDateTime time = LocalDateTime.of(year, month, day, number(hour), number(minute), number(second));
            long millis = time.toInstant(ZoneOffset.UTC).toEpochMilli();
            return millis < 0 ? UNKNOWN : millis;
        } catch (DateTimeException invalidDate) {
            return UNKNOWN;
        }
    }
}

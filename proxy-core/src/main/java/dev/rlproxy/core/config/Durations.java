package dev.rlproxy.core.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the configuration's duration syntax: one or more {@code <number><unit>} parts with units
 * {@code ms s m h d}, e.g. {@code 500ms}, {@code 30s}, {@code 1m30s}, {@code 1d}. A unit is
 * required: a bare {@code 30} is ambiguous (seconds? milliseconds?) and rejected.
 */
public final class Durations {

    /** Shown in every error so users see the accepted shapes. */
    static final String EXPECTED = "expected a duration like 30s, 500ms, 1m30s (units: ms s m h d)";

    // "ms" must come before "m" so that 5ms is not read as 5m followed by garbage.
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** @throws InvalidConfigException if {@code text} is not a duration */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            throw InvalidConfigException.of(EXPECTED + ", got an empty value");
        }
        Matcher part = PART.matcher(s);
        Duration total = Duration.ZERO;
        int position = 0;
        while (position < s.length()) {
            part.region(position, s.length());
            if (!part.lookingAt()) {
                throw InvalidConfigException.of(EXPECTED + ", got '" + Quoting.shorten(s) + "'");
            }
            total = add(total, part.group(1), part.group(2), s);
            position = part.end();
        }
        return total;
    }

    /** Greater than zero ({@code Duration.isPositive} arrived only in Java 18). */
    static boolean isPositive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private static Duration add(Duration total, String amount, String unit, String whole) {
        try {
            long n = Long.parseLong(amount);
            Duration piece = switch (unit) {
                case "ms" -> Duration.of(n, ChronoUnit.MILLIS);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return total.plus(piece);
        } catch (NumberFormatException | ArithmeticException e) {
            throw InvalidConfigException.of("duration '" + Quoting.shorten(whole) + "' is too large");
        }
    }
}

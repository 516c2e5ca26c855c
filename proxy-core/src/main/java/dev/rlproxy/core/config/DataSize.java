package dev.rlproxy.core.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of bytes, written {@code 100B}, {@code 512KiB}, {@code 10MiB}, {@code 1GiB} or as a plain
 * number of bytes. Units are binary (1KiB = 1024B).
 */
public record DataSize(long bytes) {

    static final String EXPECTED = "expected a size like 512KiB, 10MiB, 1GiB, 100B or a number of bytes";

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");

    public DataSize {
        if (bytes < 0) {
            throw InvalidConfigException.of("size must not be negative, was " + bytes);
        }
    }

    public static DataSize ofMebibytes(long mebibytes) {
        return new DataSize(Math.multiplyExact(mebibytes, 1024L * 1024));
    }

    /** @throws InvalidConfigException if {@code text} is not a size */
    public static DataSize parse(String text) {
        String s = text == null ? "" : text.strip();
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) {
            throw InvalidConfigException.of(EXPECTED + ", got '" + Quoting.shorten(s) + "'");
        }
        String unit = m.group(2) == null ? "B" : m.group(2);
        try {
            return new DataSize(Math.multiplyExact(Long.parseLong(m.group(1)), multiplier(unit)));
        } catch (NumberFormatException | ArithmeticException e) {
            throw InvalidConfigException.of("size '" + Quoting.shorten(s) + "' is too large");
        }
    }

    private static long multiplier(String unit) {
        return switch (unit) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> 1L;
        };
    }

    /** The largest exact unit: {@code 10MiB}, {@code 1536KiB}, {@code 100B}. */
    @Override
    public String toString() {
        for (String unit : new String[] {"GiB", "MiB", "KiB"}) {
            long m = multiplier(unit);
            if (bytes != 0 && bytes % m == 0) {
                return bytes / m + unit;
            }
        }
        return bytes + "B";
    }
}

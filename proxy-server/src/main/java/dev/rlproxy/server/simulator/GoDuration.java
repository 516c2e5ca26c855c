package dev.rlproxy.server.simulator;

import java.util.Locale;

/**
 * Formats durations the way Go's {@code time.Duration.String()} does, at millisecond precision, as
 * OpenAI's {@code x-ratelimit-reset-requests} shows them: {@code 250ms}, {@code 1.5s}, {@code 6m0s},
 * {@code 1h2m3s}, {@code 0s}. Rounded up to the millisecond so a client is never early.
 */
final class GoDuration {

    private GoDuration() {
    }

    static String format(long nanos) {
        long millis = Seconds.ceilMillis(Math.max(0, nanos));
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long hours = millis / 3_600_000L;
        long minutes = millis / 60_000L % 60;
        long secondMillis = millis % 60_000L;
        StringBuilder out = new StringBuilder();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        out.append(secondMillis / 1000);
        long fraction = secondMillis % 1000;
        if (fraction > 0) {
            String digits = String.format(Locale.ROOT, "%03d", fraction).replaceAll("0+$", "");
            out.append('.').append(digits);
        }
        return out.append('s').toString();
    }
}

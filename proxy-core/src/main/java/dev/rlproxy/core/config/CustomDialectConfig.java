package dev.rlproxy.core.config;

import java.util.List;
import java.util.Locale;

/**
 * Header names for an upstream whose rate-limit headers follow no built-in dialect.
 *
 * @param limitHeader      the window's total (optional)
 * @param remainingHeader  requests left in the window (required)
 * @param resetHeader      when the window resets (required)
 * @param resetFormat      how {@code resetHeader} is written: epoch-seconds (default), epoch-millis,
 *                         delta-seconds or delta-millis
 * @param bucketHeader     an id of the bucket the request fell into, for per-route limits (optional)
 * @param retryAfterHeader how long to back off after a refusal (default Retry-After)
 */
public record CustomDialectConfig(String limitHeader, String remainingHeader, String resetHeader,
                                  String resetFormat, String bucketHeader, String retryAfterHeader) {

    public static final List<String> RESET_FORMATS =
            List.of("epoch-seconds", "epoch-millis", "delta-seconds", "delta-millis");

    public CustomDialectConfig {
        resetFormat = resetFormat == null ? "epoch-seconds" : resetFormat.strip().toLowerCase(Locale.ROOT);
        retryAfterHeader = retryAfterHeader == null ? "Retry-After" : retryAfterHeader.strip();
        Violations v = new Violations();
        v.check(remainingHeader != null, "remainingHeader", "required: the header carrying how many requests are left");
        v.check(resetHeader != null, "resetHeader", "required: the header carrying when the window resets");
        checkHeader(v, "limitHeader", limitHeader);
        checkHeader(v, "remainingHeader", remainingHeader);
        checkHeader(v, "resetHeader", resetHeader);
        checkHeader(v, "bucketHeader", bucketHeader);
        checkHeader(v, "retryAfterHeader", retryAfterHeader);
        v.check(RESET_FORMATS.contains(resetFormat), "resetFormat",
                "expected " + String.join(" | ", RESET_FORMATS));
        v.throwIfAny();
    }

    private static void checkHeader(Violations v, String key, String header) {
        if (header != null) {
            v.check(Names.isHeaderName(header), key, "must be a valid header name, like X-RateLimit-Remaining");
        }
    }
}

package dev.rlproxy.core.usage;

import dev.rlproxy.core.config.QuotaConfig;

import java.util.Map;

/**
 * One quota's standing in the current period, as this replica knows it.
 *
 * @param used           the upstream's count; for a token quota the most any token used
 * @param periodKey      {@code 2026-12} or {@code 2026-12-02}
 * @param resetsAtMillis when the period ends (epoch millis)
 * @param byToken        a token quota's count per token fingerprint; empty otherwise
 */
public record QuotaUsage(QuotaConfig quota, long used, String periodKey, long resetsAtMillis,
                         Map<String, Long> byToken) {
}

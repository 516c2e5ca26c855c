package dev.rlproxy.core.store;

/**
 * An amount to add to one usage total.
 *
 * @param key            the counter's name (upstream, scope, metric and period, e.g. {@code api||requests|2026-12})
 * @param delta          what to add; 0 only reads the total
 * @param expireAtMillis epoch millis after which the store may forget the total (past its period's end)
 */
public record UsageDelta(String key, long delta, long expireAtMillis) {
}

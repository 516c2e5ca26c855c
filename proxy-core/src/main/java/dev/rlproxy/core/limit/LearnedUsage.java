package dev.rlproxy.core.limit;

/**
 * One window of a learned bucket as the upstream last reported it, corrected for what the proxy
 * sent since, for status.
 *
 * @param scope       the learned scope (e.g. {@code github|sha256:1a2b3c4d}: upstream and token fingerprint)
 * @param bucket      the upstream's bucket id, {@code route:<route key>} for a route not yet given one,
 *                    or {@code global}
 * @param window      the window's name as the dialect reports it (e.g. {@code requests}), or {@code assumed}
 * @param limit       its limit, -1 while unknown
 * @param remaining   what is left in it before the reset
 * @param resetInNanos until its reset, -1 while unknown
 * @param inFlight    requests charged to the bucket and not yet answered
 */
public record LearnedUsage(String scope, String bucket, String window, long limit, long remaining,
                           long resetInNanos, int inFlight) {
}

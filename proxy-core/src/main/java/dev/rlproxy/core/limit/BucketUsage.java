package dev.rlproxy.core.limit;

/**
 * A configured bucket's use right now, for status.
 *
 * @param key             the full bucket key, scope included (e.g. {@code github/hourly/token=sha256:1a2b3c4d})
 * @param used            admissions counted in the current window, reserved ones included (for limits
 *                        above {@link AdmissionWindow#SLIDING_LOG_MAX_LIMIT}, counted per sub-window,
 *                        never fewer than the real number)
 * @param limit           its limit per window
 * @param nextFreeInNanos when one more request may go: 0 now, -1 once a request granted but not yet
 *                        sent either goes or is given back
 */
public record BucketUsage(String key, long used, long limit, long nextFreeInNanos) {
}

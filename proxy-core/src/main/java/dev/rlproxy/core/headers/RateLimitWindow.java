package dev.rlproxy.core.headers;

/**
 * One limit as the upstream reports it: {@code limit} per window, {@code remaining} now, window
 * resets at {@code resetAtEpochMillis} (wall clock). Unknown values are {@code -1}.
 *
 * @param name a short label: the GitHub resource, {@code requests} / {@code tokens} for OpenAI,
 *             the IETF policy name, or {@code default}
 */
public record RateLimitWindow(String name, long limit, long remaining, long resetAtEpochMillis) {

    public RateLimitWindow {
        name = name == null || name.isBlank() ? "default" : name;
        limit = limit < 0 ? -1 : limit;
        remaining = remaining < 0 ? -1 : remaining;
        resetAtEpochMillis = resetAtEpochMillis < 0 ? -1 : resetAtEpochMillis;
    }

    /**
     * Whether the numbers can be believed at all. A limit of 0 (no request could ever pass) or more
     * remaining than the limit is a broken answer, not a real state: taken as said, one such answer
     * would stop a token or bucket until its reset, or for good. Such a window carries no information.
     */
    public boolean isCredible() {
        return limit != 0 && (limit < 0 || remaining <= limit);
    }
}

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
}

package dev.rlproxy.core.headers;

import java.util.List;

/** Builds the window list of an observation, leaving out windows the response said nothing about. */
final class KnownWindows {

    private KnownWindows() {
    }

    /** One window when any of its numbers is known, otherwise none. */
    static List<RateLimitWindow> of(String name, long limit, long remaining, long resetAtEpochMillis) {
        return limit >= 0 || remaining >= 0 || resetAtEpochMillis >= 0
                ? List.of(new RateLimitWindow(name, limit, remaining, resetAtEpochMillis))
                : List.of();
    }
}

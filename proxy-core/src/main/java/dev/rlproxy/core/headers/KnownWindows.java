package dev.rlproxy.core.headers;

import java.util.List;

/** Builds the window list of an observation, leaving out windows the response said nothing about. */
final class KnownWindows {

    private KnownWindows() {
    }

    /** One window when any of its numbers is known and they are {@linkplain RateLimitWindow#isCredible credible}, otherwise none. */
    static List<RateLimitWindow> of(String name, long limit, long remaining, long resetAtEpochMillis) {
        if (limit < 0 && remaining < 0 && resetAtEpochMillis < 0) {
            return List.of();
        }
        RateLimitWindow window = new RateLimitWindow(name, limit, remaining, resetAtEpochMillis);
        return window.isCredible() ? List.of(window) : List.of();
    }
}

package dev.rlproxy.core.limit;

import java.util.List;

/**
 * The requests in flight under the keys of one in-flight cap (e.g. every {@code token=…} key of
 * {@code github/inflight}), for status and metrics. Keys can be many, so only the busiest few are
 * listed; the totals cover every live key.
 *
 * @param keys     live keys (a key is dropped a while after its last request ended)
 * @param inFlight requests in flight, summed over every key
 * @param busiest  the keys with the most in flight, most first (ties by key), at most the number asked for
 */
public record InFlightSnapshot(int keys, long inFlight, List<KeyInFlight> busiest) {

    public static final InFlightSnapshot EMPTY = new InFlightSnapshot(0, 0, List.of());

    public InFlightSnapshot {
        busiest = List.copyOf(busiest);
    }

    /** The most requests in flight under any one key, 0 if none. */
    public int busiestInFlight() {
        return busiest.isEmpty() ? 0 : busiest.get(0).inFlight();
    }

    /**
     * @param key      the full bucket key, scope included (e.g. {@code github/inflight/token=sha256:1a2b3c4d})
     * @param inFlight requests in flight under it
     * @param max      its cap
     */
    public record KeyInFlight(String key, int inFlight, int max) {
    }
}

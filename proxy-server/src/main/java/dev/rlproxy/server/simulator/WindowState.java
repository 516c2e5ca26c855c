package dev.rlproxy.server.simulator;

/**
 * A snapshot of one counting window, as a dialect reports it.
 *
 * @param limit           requests allowed per window
 * @param used            requests accepted in the current window
 * @param resetAfterNanos time from now until the window frees room (fixed: its end; sliding: the
 *                        moment the oldest counted request drops out)
 * @param windowNanos     the window length
 */
record WindowState(int limit, int used, long resetAfterNanos, long windowNanos) {

    int remaining() {
        return Math.max(0, limit - used);
    }

    boolean hasRoom() {
        return used < limit;
    }
}

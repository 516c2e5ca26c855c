package dev.rlproxy.server.it;

import dev.rlproxy.server.simulator.UpstreamSimulator;

/**
 * What a simulated upstream saw, from its request journal: how much of a limit of {@code limit}
 * per {@code perMillis} the traffic used after the first window.
 */
record UpstreamArrivals(long[] millis) {

    static UpstreamArrivals of(UpstreamSimulator upstream) {
        return new UpstreamArrivals(upstream.wireMock().getAllServeEvents().stream()
                .mapToLong(event -> event.getRequest().getLoggedDate().getTime()).sorted().toArray());
    }

    /**
     * The rate after the first window as a share of the allowed rate. A slot of the limit is used
     * again {@code limit} arrivals later: with {@code limit} per {@code per} allowed, the gap from
     * each arrival to the one {@code limit} places after it can be no shorter than {@code per}, and
     * the mean of those gaps says how quickly the proxy reuses a slot that frees up. 1.0 means
     * every slot is reused the moment the upstream's window lets it; every millisecond lost in
     * between (margin, wake-up, connecting, writing) costs. Where the arrivals within a window lie
     * does not matter, only how soon each slot is used again.
     */
    double utilisationAfterFirstWindow(int limit, long perMillis) {
        if (millis.length <= limit) {
            throw new IllegalStateException("too few requests to measure beyond the first window: " + millis.length);
        }
        long gaps = 0;
        for (int i = 0; i + limit < millis.length; i++) {
            gaps += millis[i + limit] - millis[i];
        }
        double meanGap = (double) gaps / (millis.length - limit);
        return perMillis / meanGap;
    }
}

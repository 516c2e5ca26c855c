package dev.rlproxy.server.proxy;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests waiting for a token or a ticket, per upstream. The limiter's own queue is shared by
 * every upstream and does not count token waits, so the request path counts here: a wait that
 * could not be served at once counts from its start until its future completes (granted, refused,
 * or withdrawn). Counters are kept by upstream name, so they outlive a reload that rebuilds it.
 */
public final class QueueDepths {

    private final Map<String, AtomicInteger> byUpstream = new ConcurrentHashMap<>();

    /** Counts {@code wait} as queued for {@code upstream} until it completes; nothing if it already has. */
    void track(String upstream, CompletableFuture<?> wait) {
        if (wait.isDone()) {
            return;
        }
        AtomicInteger depth = counter(upstream);
        depth.incrementAndGet();
        wait.whenComplete((value, error) -> depth.decrementAndGet());
    }

    /** Requests waiting for a token or ticket of {@code upstream} right now. */
    public int depth(String upstream) {
        AtomicInteger depth = byUpstream.get(upstream);
        return depth == null ? 0 : depth.get();
    }

    private AtomicInteger counter(String upstream) {
        AtomicInteger depth = byUpstream.get(upstream);
        return depth != null ? depth : byUpstream.computeIfAbsent(upstream, u -> new AtomicInteger());
    }
}

package dev.rlproxy.core.limit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** Keeps the first {@code n} of a stream of items by an order, in memory bounded by {@code n}, and counts them all. */
final class TopN<T> {

    private final int n;
    private final Comparator<T> order;
    /** The kept items, the one that would go next (last in order) at the head. */
    private final PriorityQueue<T> kept;
    private int seen;

    TopN(int n, Comparator<T> order) {
        if (n < 0) {
            throw new IllegalArgumentException("top must not be negative, was " + n);
        }
        this.n = n;
        this.order = order;
        this.kept = new PriorityQueue<>(order.reversed());
    }

    void offer(T item) {
        seen++;
        if (n == 0) {
            return;
        }
        kept.add(item);
        if (kept.size() > n) {
            kept.poll();
        }
    }

    /** Counts an item that is not itself a candidate (e.g. a bucket with several listed windows). */
    void count() {
        seen++;
    }

    Busiest<T> result() {
        List<T> top = new ArrayList<>(kept);
        top.sort(order);
        return new Busiest<>(seen, top);
    }
}

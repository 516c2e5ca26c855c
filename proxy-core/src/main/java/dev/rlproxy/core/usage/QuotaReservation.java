package dev.rlproxy.core.usage;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The request a quota admission counted in advance. It stays counted once the request may have
 * reached the upstream; {@link #cancel} gives it back when it never left the proxy.
 */
public final class QuotaReservation {

    /** Nothing was counted (the upstream has no request quota). */
    public static final QuotaReservation NONE = new QuotaReservation(List.of());

    private final List<UsageCounter> counters;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    QuotaReservation(List<UsageCounter> counters) {
        this.counters = counters;
    }

    /** The request was not sent after all; safe to call more than once. */
    public void cancel() {
        if (!counters.isEmpty() && cancelled.compareAndSet(false, true)) {
            counters.forEach(c -> c.add(-1));
        }
    }
}

package dev.rlproxy.core.store;

import dev.rlproxy.core.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@link BucketLeases} kept in this process: the reference for the lease accounting (the Redis
 * script does the same on the server's clock) and a way to share buckets between limiters of one
 * JVM. A single proxy needs no leases at all: without a store its limiter decides alone.
 */
public final class InMemoryBucketLeases implements BucketLeases {

    private final Clock clock;
    private final long validityNanos;
    /** How long past its validity an unclosed lease still counts: time for a late close to arrive. */
    private final long graceNanos;
    private final Map<String, Shared> buckets = new HashMap<>();
    private long nextId = 1;

    public InMemoryBucketLeases(Clock clock, long validityNanos) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (validityNanos < 1) {
            throw new IllegalArgumentException("lease validity must be positive");
        }
        this.validityNanos = validityNanos;
        this.graceNanos = validityNanos;
    }

    @Override
    public synchronized CompletableFuture<Lease> lease(LeaseRequest r) {
        long now = clock.nanoTime();
        long horizon = now - r.perNanos();
        Shared b = buckets.computeIfAbsent(r.bucketKey(), k -> new Shared());
        if (r.previousLeaseId() != 0) {
            Open previous = b.open.remove(r.previousLeaseId());
            b.promised.remove(r.previousLeaseId()); // its replica is back: no longer waited for
            long base = previous == null ? now : previous.grantedAt; // forgotten: counted from now, never earlier
            LeaseUsage usage = r.usage();
            for (int i = 0; i < usage.chunks(); i++) {
                b.used.add(new Used(base + usage.offsetsNanos()[i], usage.counts()[i]));
            }
        }
        b.open.values().removeIf(l -> l.expiresAt - horizon <= 0);
        b.used.removeIf(u -> u.at - horizon <= 0);
        b.promised.values().removeIf(at -> at - now <= 0);
        long held = 0;
        for (Open l : b.open.values()) {
            held += l.count;
        }
        for (Used u : b.used) {
            held += u.count;
        }
        long left = r.limit() - held - r.carried();
        int fresh = LeaseSizing.fresh(r.wanted(), left, r.limit());
        long useful = LeaseSizing.minUseful(r.limit(), r.wanted());
        long retryAfter = r.wanted() > 0 && left - fresh < useful ? retryAfter(b, now, left - fresh, useful, fresh, r) : 0;
        int granted = r.carried() + fresh;
        long id = granted > 0 || retryAfter > 0 ? nextId++ : 0;
        if (granted > 0) {
            b.open.put(id, new Open(now, granted, now + validityNanos + graceNanos));
        }
        if (retryAfter > 0) {
            b.promised.put(id, now + retryAfter);
        }
        if (b.open.isEmpty() && b.used.isEmpty() && b.promised.isEmpty()) {
            buckets.remove(r.bucketKey());
        }
        return CompletableFuture.completedFuture(new Lease(id, granted, fresh, retryAfter));
    }

    /**
     * Until enough used slots leave the window, behind the replicas already told to come back (half
     * a useful share more for each, so they do not all come back for the same slots); open leases
     * usually close within their validity. A grant that leaves less than a useful share gets the
     * same hint, so its replica does not come back for an empty answer when the lease runs out, but
     * at most one validity and one window later: an exhausted lease held open until then costs no
     * capacity, as its sends would not have left the window sooner.
     */
    private long retryAfter(Shared b, long now, long left, long useful, int fresh, LeaseRequest r) {
        long need = useful + useful * b.promised.size() / 2;
        List<Used> byTime = new ArrayList<>(b.used);
        byTime.sort(Comparator.comparingLong(Used::at));
        long free = left;
        long wait = Long.MAX_VALUE;
        for (Used u : byTime) {
            free += u.count;
            if (free >= need) {
                wait = u.at + r.perNanos() - now;
                break;
            }
        }
        if (fresh > 0) {
            wait = Math.min(wait, Math.min(validityNanos, r.perNanos()));
        } else if (!b.open.isEmpty() || wait == Long.MAX_VALUE) {
            wait = Math.min(wait, validityNanos);
        }
        return Math.max(1, wait);
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public void onAvailabilityChange(Consumer<Boolean> listener) {
        // always available
    }

    @Override
    public long validityNanos() {
        return validityNanos;
    }

    private static final class Shared {
        final Map<Long, Open> open = new LinkedHashMap<>();
        final List<Used> used = new ArrayList<>();
        /** Retry times promised to callers, by the id of the answer they got (a lease's, or the promise's own). */
        final Map<Long, Long> promised = new HashMap<>();
    }

    private record Open(long grantedAt, int count, long expiresAt) {
    }

    private record Used(long at, int count) {
    }
}

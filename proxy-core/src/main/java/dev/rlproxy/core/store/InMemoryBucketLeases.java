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
            long base = previous == null ? now : previous.grantedAt; // forgotten: counted from now, never earlier
            LeaseUsage usage = r.usage();
            for (int i = 0; i < usage.chunks(); i++) {
                b.used.add(new Used(base + usage.offsetsNanos()[i], usage.counts()[i]));
            }
        }
        b.open.values().removeIf(l -> l.expiresAt - horizon <= 0);
        b.used.removeIf(u -> u.at - horizon <= 0);
        b.promised.removeIf(at -> at - now <= 0);
        long held = 0;
        for (Open l : b.open.values()) {
            held += l.count;
        }
        for (Used u : b.used) {
            held += u.count;
        }
        long left = r.limit() - held - r.carried();
        int fresh = LeaseSizing.fresh(r.wanted(), left, r.limit());
        long retryAfter = fresh == 0 && r.wanted() > 0 ? retryAfter(b, now, left, r) : 0;
        int granted = r.carried() + fresh;
        if (granted == 0) {
            if (b.open.isEmpty() && b.used.isEmpty() && b.promised.isEmpty()) {
                buckets.remove(r.bucketKey());
            }
            return CompletableFuture.completedFuture(new Lease(0, 0, 0, retryAfter));
        }
        long id = nextId++;
        b.open.put(id, new Open(now, granted, now + validityNanos + graceNanos));
        return CompletableFuture.completedFuture(new Lease(id, granted, fresh, retryAfter));
    }

    /**
     * Until enough used slots leave the window, behind the replicas already told to come back (half
     * a useful share more for each, so they do not all come back for the same slots); open leases
     * usually close within their validity.
     */
    private long retryAfter(Shared b, long now, long left, LeaseRequest r) {
        long useful = LeaseSizing.minUseful(r.limit(), r.wanted());
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
        if (!b.open.isEmpty() || wait == Long.MAX_VALUE) {
            wait = Math.min(wait, validityNanos);
        }
        wait = Math.max(1, wait);
        b.promised.add(now + wait);
        return wait;
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
        /** Retry times promised to callers that got nothing. */
        final List<Long> promised = new ArrayList<>();
    }

    private record Open(long grantedAt, int count, long expiresAt) {
    }

    private record Used(long at, int count) {
    }
}

package dev.rlproxy.server.store;

import dev.rlproxy.core.store.BucketLeases;
import dev.rlproxy.core.store.Lease;
import dev.rlproxy.core.store.LeaseRequest;
import dev.rlproxy.core.store.LeaseUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@link BucketLeases} in Redis: one {@code EVALSHA} of {@code bucket-lease.lua} per lease, which
 * closes the previous one in the same round trip. A bucket's four keys share the hash tag
 * {@code {rl:KEY}}, so the script stays on one cluster slot; every key has a TTL of one window plus
 * a lease's life. The limiter keeps at most one request per bucket in flight, however many tickets
 * wait for it.
 */
public final class RedisBucketLeases implements BucketLeases {

    /** Default lease validity: short enough that unused slots return soon, long enough to serve many requests. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofSeconds(1);

    private static final RedisScript SCRIPT = RedisScript.fromResource("bucket-lease");

    private final RedisGateway gateway;
    private final long validityNanos;

    public RedisBucketLeases(RedisGateway gateway, Duration validity) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        if (validity.isNegative() || validity.toMillis() < 1) {
            throw new IllegalArgumentException("lease validity must be at least 1 ms, was " + validity);
        }
        this.validityNanos = validity.toNanos();
    }

    /** The keys of one bucket, all under one hash tag. */
    static List<String> keys(String bucketKey) {
        String tag = "{rl:" + bucketKey + "}";
        return List.of(tag + ":open", tag + ":used", tag + ":seq", tag + ":wait");
    }

    @Override
    public CompletableFuture<Lease> lease(LeaseRequest r) {
        LeaseUsage usage = r.usage();
        List<String> args = new ArrayList<>(7 + 2 * usage.chunks());
        long validityMicros = micros(validityNanos);
        args.add(Long.toString(r.limit()));
        args.add(Long.toString(micros(r.perNanos())));
        args.add(Long.toString(validityMicros));
        args.add(Long.toString(validityMicros)); // grace: time for a late close to arrive
        args.add(Integer.toString(r.wanted()));
        args.add(Integer.toString(r.carried()));
        args.add(Long.toString(r.previousLeaseId()));
        for (int i = 0; i < usage.chunks(); i++) {
            args.add(Long.toString(micros(usage.offsetsNanos()[i])));
            args.add(Integer.toString(usage.counts()[i]));
        }
        return gateway.eval(SCRIPT, keys(r.bucketKey()), args).thenApply(RedisBucketLeases::lease);
    }

    private static Lease lease(Object reply) {
        List<?> values = (List<?>) reply;
        return new Lease((Long) values.get(0), Math.toIntExact((Long) values.get(1)),
                Math.toIntExact((Long) values.get(2)), (Long) values.get(3) * 1_000L);
    }

    /** Rounded up: an offset reported late only ever counts a send later, the safe side. */
    private static long micros(long nanos) {
        return (nanos + 999) / 1_000;
    }

    @Override
    public boolean isAvailable() {
        return gateway.isAvailable();
    }

    @Override
    public void onAvailabilityChange(Consumer<Boolean> listener) {
        gateway.onAvailabilityChange(listener);
    }

    @Override
    public long validityNanos() {
        return validityNanos;
    }
}

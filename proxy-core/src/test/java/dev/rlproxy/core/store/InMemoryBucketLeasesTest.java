package dev.rlproxy.core.store;

import dev.rlproxy.core.time.ManualClock;

class InMemoryBucketLeasesTest extends BucketLeasesContract {

    private final ManualClock clock = new ManualClock();
    private final InMemoryBucketLeases leases = new InMemoryBucketLeases(clock, VALIDITY_NANOS);

    @Override
    protected BucketLeases leases() {
        return leases;
    }

    @Override
    protected void letTimePass(long nanos) {
        clock.advanceNanos(nanos);
    }
}

package dev.rlproxy.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.headers.RateLimitWindow;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LearnedWindowStore} does, whatever keeps the state: run against the in-memory
 * store (core) and Redis (server). Subclasses give a fresh store (replicas silent for
 * {@link #STALE_MILLIS} are dead), its notion of now, and a way to let its time pass.
 */
public abstract class LearnedWindowStoreContract {

    protected static final long STALE_MILLIS = 2_000;
    private static final WindowSync.WindowTiming TIMING = new WindowSync.WindowTiming(0, 3_600_000);
    private static final String KEY = "github|sha256:1a2b3c4d/id:core";

    /** A fresh, empty store whose replicas go stale after {@link #STALE_MILLIS}. */
    protected abstract LearnedWindowStore store();

    /** The store's clock. */
    protected abstract StoreTime time();

    private long nowMillis() {
        return time().nowMillis();
    }

    private void passTime(long millis) {
        time().passTime(millis);
    }

    private WindowGrant sync(String replica, int want, long outstanding, int returned, RateLimitWindow... reports) {
        return store().sync(new WindowSync(KEY, replica, want, outstanding, returned, List.of(reports), -1, null, TIMING))
                .join();
    }

    private RateLimitWindow report(long limit, long remaining, long resetInMillis) {
        return new RateLimitWindow("core", limit, remaining, nowMillis() + resetInMillis);
    }

    /** Leases until the store grants nothing; returns the units taken (the replica holds them all). */
    private long drain(String replica, long alreadyHeld) {
        long held = alreadyHeld;
        for (int i = 0; i < 1_000; i++) {
            WindowGrant g = sync(replica, 8, held, 0);
            if (g.granted() == 0) {
                return held - alreadyHeld;
            }
            held += g.granted();
        }
        throw new AssertionError("the store never ran dry");
    }

    @Test
    void aRouteKeyOnceBoundToTheUpstreamsBucketGrantsNothingAndNamesTheBucket() {
        assertThat(sync("a", 1, 0, 0).granted()).as("the route's probe").isEqualTo(1);
        store().sync(new WindowSync(KEY, "a", 0, 0, 0, List.of(), -1, null, TIMING, "core")).join();

        WindowGrant other = sync("b", 4, 0, 0);
        assertThat(other.granted()).as("no second probe uncounted where the upstream counts it").isZero();
        assertThat(other.boundTo()).isEqualTo("core");
    }

    @Test
    void aBucketNeverHeardFromLetsOneProbeGoClusterWide() {
        WindowGrant probe = sync("a", 5, 0, 0);
        assertThat(probe.granted()).isEqualTo(1);
        assertThat(probe.heard()).isFalse();
        WindowGrant other = sync("b", 5, 0, 0);
        assertThat(other.granted()).as("the probe is out: nobody else sends").isZero();
        assertThat(other.retryInMillis()).isEqualTo(-1);

        sync("a", 0, 0, 0, report(10, 9, 60_000)); // the probe came back with a report
        assertThat(drain("b", 0)).as("9 remain, nothing out").isEqualTo(9);
    }

    @Test
    void everyReplicasOutstandingUnitsCountAgainstTheReportedRemaining() {
        sync("a", 0, 0, 0, report(100, 20, 60_000));
        long heldByA = drain("a", 0) / 2; // a keeps half its lease, the rest is in flight and completes
        sync("a", 0, heldByA, 0);
        sync("b", 0, 0, 0, report(100, 10, 60_000)); // a lower remaining in the same window
        assertThat(drain("b", 0)).as("10 remain, minus what replica a holds").isEqualTo(Math.max(0, 10 - heldByA));
    }

    @Test
    void inTheSameWindowALaterHigherRemainingIsIgnoredAndANewerWindowReplacesIt() {
        sync("a", 0, 0, 0, report(50, 5, 60_000));
        sync("a", 0, 0, 0, report(50, 30, 60_000)); // an out-of-order answer of the same window
        assertThat(drain("a", 0)).isEqualTo(5);

        sync("a", 0, 0, 0, report(50, 40, 120_000)); // the next window (the 5 taken are completed)
        assertThat(drain("a", 0)).isEqualTo(40);
    }

    @Test
    void returnedCreditsComeBackAndCompletedOnesDoNot() {
        sync("a", 0, 0, 0, report(50, 12, 60_000));
        long taken = drain("a", 0);
        assertThat(taken).isEqualTo(12);
        sync("a", 0, 8, 4);          // 4 unused credits returned, 8 still held
        sync("a", 0, 0, 0);          // the 8 completed: the upstream counted them
        assertThat(drain("b", 0)).isEqualTo(4);
    }

    @Test
    void unitsAdmittedWithoutALeaseComeOffTheSharedRemaining() {
        sync("a", 0, 0, 0, report(50, 10, 60_000));
        sync("b", 0, 3, 0); // b admitted 3 on its own while the store was away
        assertThat(drain("a", 0)).isEqualTo(7);
    }

    @Test
    void aPassedResetRestoresTheLimitMinusWhatIsStillHeld() {
        sync("a", 0, 0, 0, report(10, 0, 300));
        WindowGrant none = sync("a", 1, 0, 0);
        assertThat(none.granted()).isZero();
        assertThat(none.retryInMillis()).isBetween(1L, 300L);
        sync("b", 0, 2, 0); // b holds 2 (admitted alone)
        passTime(400);
        assertThat(drain("a", 0)).isEqualTo(8);
    }

    @Test
    void aRetryAfterHoldsEveryReplica() {
        sync("a", 0, 0, 0, report(10, 5, 60_000));
        store().sync(new WindowSync(KEY, "a", 0, 0, 0, List.of(), 30_000, null, TIMING)).join();
        WindowGrant g = sync("b", 3, 0, 0);
        assertThat(g.granted()).isZero();
        assertThat(g.retryInMillis()).isBetween(29_000L, 30_000L);
        assertThat(g.heard()).isTrue();
    }

    @Test
    void anAssumedLimitServesUntilTheFirstReport() {
        WindowSync.AssumedWindow assumed = new WindowSync.AssumedWindow(6, 60_000);
        long held = 0;
        for (int i = 0; i < 20; i++) {
            held += store().sync(new WindowSync(KEY, "a", 4, held, 0, List.of(), -1, assumed, TIMING)).join().granted();
        }
        assertThat(held).isEqualTo(6);
    }

    @Test
    void aReplicaSilentPastTheStaleTimeHoldsNothingAfterTheNextReset() {
        sync("a", 0, 0, 0, report(10, 10, 500));
        assertThat(drain("a", 0)).isEqualTo(10);
        passTime(STALE_MILLIS + 200); // a died holding 10; the window rolled over meanwhile
        assertThat(drain("b", 0)).isEqualTo(10);
    }
}

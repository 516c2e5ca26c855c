package dev.rlproxy.core.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.config.FailureMode;
import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.store.InMemoryLearnedWindowStore;
import dev.rlproxy.core.store.LearnedWindowStore;
import dev.rlproxy.core.store.WindowGrant;
import dev.rlproxy.core.store.WindowSync;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A learned bucket's check against its shared window, mode by mode: when it asks for a lease, when
 * its local share decides (store away under local-share, and after recovery while a window from the
 * outage is still in progress), and when the store is retried. Time is manual; the store counts the
 * syncs that ask for units.
 */
class LearnedBucketSharedWindowTest {

    private static final long MS = 1_000_000L;
    private static final long MARGIN = 100 * MS;
    private static final long MAX_WAIT = 3_600_000 * MS;

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final InMemoryLearnedWindowStore memory = new InMemoryLearnedWindowStore(clock, 30_000);
    private boolean storeDown;
    /** Syncs that asked for units while the store answered, and while it was down (retries). */
    private int leasesAsked;
    private int retriesWhileDown;
    private final LearnedWindowStore store = new LearnedWindowStore() {
        @Override
        public CompletableFuture<WindowGrant> sync(WindowSync sync) {
            if (storeDown) {
                retriesWhileDown += sync.want() > 0 ? 1 : 0;
                return CompletableFuture.failedFuture(new IllegalStateException("store down (test)"));
            }
            leasesAsked += sync.want() > 0 ? 1 : 0;
            return memory.sync(sync);
        }
    };

    private SharedWindows windows;
    private LearnedBucket bucket;

    private void open(FailureMode onFailure, int expectedReplicas) {
        windows = new SharedWindows(LearnedWindowSharing.via(store, "a", onFailure, expectedReplicas), clock, scheduler,
                new LimiterSettings(100, Duration.ofMillis(100)), b -> { });
        bucket = new LearnedBucket(true, null, clock.nanoTime(), windows, "up|sha256:0a0b", "route:GET /items", null);
    }

    private long now() {
        return clock.nanoTime();
    }

    /** The upstream answered: {@code remaining} of 10 until {@code resetInMillis} from now. */
    private void reported(long remaining, long resetInMillis) {
        RateLimitObservation report = new RateLimitObservation(null,
                List.of(new RateLimitWindow("default", 10, remaining, clock.wallMillis() + resetInMillis)), false, false, -1);
        bucket.apply(report, true, false, now(), clock.wallMillis(), MARGIN, MAX_WAIT);
    }

    private void storeGoesAway() {
        storeDown = true;
        windows.availabilityChanged(false);
    }

    private void storeComesBack() {
        storeDown = false;
        windows.availabilityChanged(true);
    }

    /** Admits while the bucket lets requests go now; how many went. */
    private int admitWhileNow() {
        int n = 0;
        while (n < 100 && bucket.refreshEarliestNanos(now(), 1) <= now()) {
            bucket.admit(now(), 1);
            n++;
        }
        return n;
    }

    @Test
    void aRequestItsOwnWindowsHoldBackAsksNoLease() {
        open(FailureMode.LOCAL_SHARE, 3);
        reported(0, 1_000);

        assertThat(bucket.refreshEarliestNanos(now(), 1)).as("the window's deadline").isGreaterThan(now())
                .isNotEqualTo(Bucket.UNTIL_RELEASE);
        assertThat(leasesAsked).isZero();
    }

    @Test
    void aRequestItsOwnWindowsLetGoAsksOneLeaseAndGoesOnItsCredit() {
        open(FailureMode.LOCAL_SHARE, 3);
        reported(5, 1_000);

        assertThat(bucket.refreshEarliestNanos(now(), 1)).as("after the sync").isEqualTo(Bucket.UNTIL_RELEASE);
        assertThat(bucket.refreshEarliestNanos(now(), 1)).as("still syncing").isEqualTo(Bucket.UNTIL_RELEASE);
        assertThat(leasesAsked).as("one sync for both checks").isEqualTo(1);

        scheduler.runDue(); // the grant arrives
        assertThat(bucket.refreshEarliestNanos(now(), 1)).as("a credit").isEqualTo(now());
    }

    @Test
    void aSilentBucketNeverAsksForALease() {
        open(FailureMode.LOCAL_SHARE, 3);
        bucket.apply(RateLimitObservation.EMPTY, true, false, now(), clock.wallMillis(), MARGIN, MAX_WAIT);
        bucket.heardNothing();

        assertThat(admitWhileNow()).as("no window, no one-at-a-time rule (capped by this test)").isEqualTo(100);
        assertThat(leasesAsked).isZero();
    }

    @Test
    void underLocalShareTheShareDecidesAndOnlyARequestItLetsGoRetriesTheStore() {
        open(FailureMode.LOCAL_SHARE, 2);
        reported(10, 10_000);
        storeGoesAway();

        assertThat(admitWhileNow()).as("floor(10 / 2)").isEqualTo(5);
        assertThat(retriesWhileDown).as("the first request on the share tried the store").isEqualTo(1);
        scheduler.runDue(); // that retry fails

        clock.advanceNanos(2_000 * MS); // past the fallback: a retry would be due
        assertThat(bucket.refreshEarliestNanos(now(), 1)).as("the share is used up until the window's deadline")
                .isGreaterThan(now()).isNotEqualTo(Bucket.UNTIL_RELEASE);
        assertThat(retriesWhileDown).as("a request the share holds back does not retry the store").isEqualTo(1);
        assertThat(leasesAsked).as("no lease while the store is away").isZero();
    }

    @Test
    void afterRecoveryTheShareStillDecidesUntilTheWindowFromTheOutageIsOverThenLeasesAgain() {
        open(FailureMode.LOCAL_SHARE, 2);
        reported(10, 10_000);
        clock.advanceNanos(MS);
        storeGoesAway();
        assertThat(admitWhileNow()).as("floor(10 / 2)").isEqualTo(5);
        scheduler.runDue();

        clock.advanceNanos(MS);
        storeComesBack();
        clock.advanceNanos(MS);
        assertThat(bucket.refreshEarliestNanos(now(), 1)).as("draining: still the share, which is used up")
                .isGreaterThan(now()).isNotEqualTo(Bucket.UNTIL_RELEASE);
        assertThat(leasesAsked).as("no lease in a window the other replicas may have sent their shares in").isZero();

        clock.advanceNanos(10_200 * MS); // the window from the outage is over (reset plus margin)
        assertThat(bucket.refreshEarliestNanos(now(), 1)).as("a lease, after its sync").isEqualTo(Bucket.UNTIL_RELEASE);
        assertThat(leasesAsked).isEqualTo(1);
    }

    @Test
    void failClosedAdmitsFromTheCreditItHoldsThenWaitsAndRefusesWhileTheStoreIsAway() {
        open(FailureMode.FAIL_CLOSED, 2);
        reported(10, 10_000);
        bucket.refreshEarliestNanos(now(), 1);
        scheduler.runDue(); // a lease of one credit

        storeGoesAway();
        assertThat(bucket.storeRefuses()).as("a credit is left").isFalse();
        assertThat(admitWhileNow()).as("the one credit").isEqualTo(1);
        assertThat(retriesWhileDown).as("a request its windows let go retried the store").isEqualTo(1);
        assertThat(bucket.refreshEarliestNanos(now(), 1)).isEqualTo(Bucket.UNTIL_RELEASE);
        assertThat(bucket.storeRefuses()).isTrue();

        scheduler.runDue(); // the retry fails
        storeComesBack();
        assertThat(bucket.storeRefuses()).isFalse();
    }

    @Test
    void aCheckOnACreditAllocatesNothing() {
        open(FailureMode.LOCAL_SHARE, 3);
        reported(10, 10_000);
        bucket.refreshEarliestNanos(now(), 1);
        scheduler.runDue();
        com.sun.management.ThreadMXBean threads = ThreadAllocations.counter();
        int rounds = 10_000;
        checkOnCredit(rounds); // loads classes

        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        int wentNow = checkOnCredit(rounds);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(wentNow).isEqualTo(rounds);
        assertThat(allocated / rounds).as("bytes allocated per check").isZero();
    }

    /** @return how many checks said now (asserted outside the loop: an assertion allocates) */
    private int checkOnCredit(int rounds) {
        int wentNow = 0;
        for (int i = 0; i < rounds; i++) {
            if (bucket.refreshEarliestNanos(now(), 1) == now()) {
                wentNow++;
            }
        }
        return wentNow;
    }
}

package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The learned-bucket rules on the class itself; wall clock 0 ms = monotonic 0 ns here. */
class LearnedBucketTest {

    private static final long MS = 1_000_000L;
    private static final long MARGIN = 100 * MS;
    private static final long MAX_WAIT = 3_600_000 * MS;

    private final LearnedBucket bucket = new LearnedBucket(true, null, 0);

    private static RateLimitObservation report(long remaining, long resetAtMillis) {
        return new RateLimitObservation(null, List.of(new RateLimitWindow("default", 10, remaining, resetAtMillis)),
                false, false, -1);
    }

    private void completeOne(long nowMs, RateLimitObservation report) {
        bucket.admit(nowMs * MS, 1);
        bucket.settle(true, report, true, nowMs * MS, nowMs * MS, nowMs, MARGIN);
        bucket.apply(report, true, report.throttled(), nowMs * MS, nowMs, MARGIN, MAX_WAIT);
    }

    /** How many requests the bucket lets go at {@code nowMs} (admitted, then withdrawn unsent). */
    private long availableAt(long nowMs) {
        long now = nowMs * MS;
        int n = 0;
        while (n < 1_000 && bucket.refreshEarliestNanos(now, 1) <= now) {
            bucket.admit(now, 1);
            n++;
        }
        for (int i = 0; i < n; i++) {
            bucket.settle(false, null, true, now, now, nowMs, MARGIN);
        }
        return n;
    }

    @Test
    void unheardIsOneAtATimeAndWaitsForTheRelease() {
        assertThat(bucket.refreshEarliestNanos(0, 1)).isZero();
        bucket.admit(0, 1);
        assertThat(bucket.inFlight()).isEqualTo(1);
        assertThat(bucket.refreshEarliestNanos(0, 1)).isEqualTo(Bucket.UNTIL_RELEASE);
    }

    @Test
    void aSilentBucketLetsEveryRequestGoUntilAThrottledAnswer() {
        bucket.admit(0, 1);
        bucket.settle(true, RateLimitObservation.EMPTY, true, 0, 0, 0, MARGIN);
        bucket.apply(RateLimitObservation.EMPTY, true, false, 0, 0, MARGIN, MAX_WAIT);
        bucket.heardNothing();

        assertThat(availableAt(0)).as("no one-at-a-time rule (capped by this test at 1000)").isEqualTo(1_000);

        bucket.admit(0, 1);
        RateLimitObservation throttled = new RateLimitObservation(null, List.of(), true, false, -1);
        bucket.apply(throttled, true, true, 0, 0, MARGIN, MAX_WAIT);
        assertThat(bucket.refreshEarliestNanos(0, 1)).as("the back-off first").isEqualTo(1_000 * MS);
        assertThat(bucket.refreshEarliestNanos(1_000 * MS, 1)).as("then one at a time: one is in flight")
                .isEqualTo(Bucket.UNTIL_RELEASE);
    }

    @Test
    void aBucketThatStartsWithAnAssumedLimitIgnoresSilence() {
        LearnedBucket assumed = new LearnedBucket(true, BucketLimit.of(2, java.time.Duration.ofSeconds(10)), 0);
        assumed.heardNothing();
        for (int i = 0; i < 2; i++) {
            assertThat(assumed.refreshEarliestNanos(0, 1)).isZero();
            assumed.admit(0, 1);
        }
        assertThat(assumed.refreshEarliestNanos(0, 1)).as("the assumed window still limits").isGreaterThan(0);
    }

    @Test
    void availableIsRemainingMinusInFlightThenTheDeadline() {
        completeOne(0, report(2, 1_000));
        assertThat(availableAt(0)).isEqualTo(2);
        bucket.admit(0, 1);
        bucket.admit(0, 1);
        assertThat(bucket.refreshEarliestNanos(10 * MS, 1)).isEqualTo(1_000 * MS + MARGIN);
    }

    @Test
    void aReportLowersButNeverRaisesWithinTheWindow() {
        completeOne(0, report(5, 1_000));
        completeOne(10, report(7, 1_000));
        assertThat(availableAt(10)).isEqualTo(4);
        completeOne(20, report(1, 1_000));
        assertThat(availableAt(20)).isEqualTo(1);
    }

    @Test
    void aLaterResetIsANewWindowAndAPastOneIsIgnored() {
        completeOne(0, report(0, 1_000));
        completeOne(1_200, report(8, 2_000));
        assertThat(availableAt(1_200)).isEqualTo(8);
        completeOne(1_300, report(9, 1_000)); // stale: that window is over
        assertThat(availableAt(1_300)).isEqualTo(7);
    }

    @Test
    void theDeadlinePassingRestoresTheLimitButInFlightStillCounts() {
        completeOne(0, report(0, 1_000));
        bucket.admit(0, 1); // still in flight when the window resets
        assertThat(bucket.refreshEarliestNanos(1_100 * MS, 1)).isEqualTo(1_100 * MS);
        assertThat(bucket.inFlight()).isEqualTo(1);
        assertThat(availableAt(1_100)).as("10 restored, 1 of them in flight").isEqualTo(9);
    }

    @Test
    void throttledBlocksUntilRetryAfterPlusMargin() {
        completeOne(0, report(5, 60_000));
        RateLimitObservation throttled = new RateLimitObservation(null, List.of(), true, false, 2_000);
        bucket.apply(throttled, true, true, 0, 0, MARGIN, MAX_WAIT);
        assertThat(bucket.refreshEarliestNanos(0, 1)).isEqualTo(2_000 * MS + MARGIN);
    }

    @Test
    void idleOnlyWhenNothingIsPending() {
        completeOne(0, report(5, 1_000));
        assertThat(bucket.isIdle(500 * MS, 0)).as("deadline ahead").isFalse();
        assertThat(bucket.isIdle(2_000 * MS, 0)).isTrue();
        bucket.admit(2_000 * MS, 1);
        assertThat(bucket.isIdle(3_000 * MS, 0)).as("in flight").isFalse();
    }
}

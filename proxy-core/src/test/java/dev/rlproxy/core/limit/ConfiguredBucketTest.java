package dev.rlproxy.core.limit;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ConfiguredBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void smallLimitsAreExactAndLargeOnesCountSubWindows() {
        assertThat(AdmissionWindow.of(AdmissionWindow.SLIDING_LOG_MAX_LIMIT, SECOND)).isInstanceOf(SlidingLog.class);
        assertThat(AdmissionWindow.of(AdmissionWindow.SLIDING_LOG_MAX_LIMIT + 1, SECOND))
                .isInstanceOf(SubWindowCounters.class);
    }

    @Test
    void replacingTheLimitKeepsTheHistoryAcrossAlgorithms() {
        ConfiguredBucket bucket = new ConfiguredBucket("k", new ConfiguredBuckets.KeyGroup("k"), BucketLimit.of(3, Duration.ofSeconds(1)), 0);
        bucket.admit(0, 3);

        assertThat(bucket.ensureLimit(BucketLimit.of(3, Duration.ofSeconds(1)), 0)).isFalse();
        assertThat(bucket.ensureLimit(BucketLimit.of(2_000, Duration.ofSeconds(1)), 10)).isTrue();
        assertThat(bucket.limit().limit()).isEqualTo(2_000);
        assertThat(bucket.refreshEarliestNanos(10, 1_997)).isEqualTo(10);
        assertThat(bucket.refreshEarliestNanos(10, 1_998)).isGreaterThan(10);

        assertThat(bucket.ensureLimit(BucketLimit.of(3, Duration.ofSeconds(1)), 20)).isTrue();
        assertThat(bucket.refreshEarliestNanos(20, 1)).as("the three admissions still count").isGreaterThan(20);
    }

    @Test
    void aRetiredBucketHoldsNoOneBack() {
        ConfiguredBucket bucket = new ConfiguredBucket("k", new ConfiguredBuckets.KeyGroup("k"), BucketLimit.of(1, Duration.ofSeconds(1)), 0);
        bucket.admit(0, 1);
        bucket.lock();
        try {
            bucket.retire();
        } finally {
            bucket.unlock();
        }
        assertThat(bucket.refreshEarliestNanos(1, 1)).isEqualTo(1);
    }

    @Test
    void idleOnceItsWindowHoldsNoAdmission() {
        ConfiguredBucket bucket = new ConfiguredBucket("k", new ConfiguredBuckets.KeyGroup("k"),
                BucketLimit.of(1, Duration.ofMillis(1500)), 0);
        bucket.admit(0, 1);
        assertThat(bucket.isIdle(3 * SECOND / 2 - 1)).as("the admission still counts for its window").isFalse();
        assertThat(bucket.isIdle(3 * SECOND / 2)).isTrue();
        assertThat(bucket.refreshEarliestNanos(3 * SECOND / 2, 1)).as("forgetting it changes nothing").isEqualTo(3 * SECOND / 2);
    }
}

package dev.rlproxy.core.limit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random limits and arrival patterns against one configured bucket, both algorithms: no half-open
 * window of length per ever holds more than limit, and saturating demand gets nearly the
 * full rate.
 */
class ConfiguredBucketPropertyTest {

    static LongStream seeds() {
        return WindowCheck.seeds(200);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void noWindowEverHoldsMoreThanTheLimit(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        BucketLimit limit = randomLimit(rnd);
        long span = limit.per().toNanos();
        ConfiguredBucket bucket = new ConfiguredBucket("k", new ConfiguredBuckets.KeyGroup("k"), limit, 0);
        List<Long> admitted = new ArrayList<>();
        long now = rnd.nextLong(-1_000_000, 1_000_000);
        int steps = (int) Math.min(20_000, limit.limit() * 6 + 200);
        for (int i = 0; i < steps; i++) {
            now += gap(rnd, span, limit.limit());
            int cost = 1 + rnd.nextInt((int) Math.min(3, limit.limit()));
            long earliest = bucket.refreshEarliestNanos(now, cost);
            if (earliest > now && rnd.nextInt(3) == 0) {
                now = earliest; // a woken waiter: the named time must really admit
                assertThat(bucket.refreshEarliestNanos(now, cost)).as("seed %d: named time admits", seed).isEqualTo(now);
            }
            // Now and then a flood: as many as fit arrive at this very instant.
            int arrivals = rnd.nextInt(40) == 0 ? (int) limit.limit() : 1;
            for (int a = 0; a < arrivals && bucket.refreshEarliestNanos(now, cost) <= now; a++) {
                bucket.admit(now, cost);
                for (int c = 0; c < cost; c++) {
                    admitted.add(now);
                }
                if (rnd.nextInt(20) == 0) {
                    bucket.giveBack(now, cost); // never reached the upstream
                    for (int c = 0; c < cost; c++) {
                        admitted.remove(admitted.size() - 1);
                    }
                }
            }
        }
        assertThat(WindowCheck.violation(admitted, limit.limit(), span))
                .as("seed %d, %s", seed, limit).isNull();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void saturatingDemandGetsNearlyTheFullRate(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        BucketLimit limit = randomLimit(rnd);
        ConfiguredBucket bucket = new ConfiguredBucket("k", new ConfiguredBuckets.KeyGroup("k"), limit, 0);
        long per = limit.per().toNanos();
        int windows = 6;
        long end = windows * per;
        long now = 0;
        long count = 0;
        while (true) {
            long earliest = bucket.refreshEarliestNanos(now, 1);
            if (earliest >= end) {
                break;
            }
            now = earliest;
            bucket.admit(now, 1);
            count++;
        }
        assertThat(count).as("seed %d, %s", seed, limit)
                .isGreaterThanOrEqualTo((long) (0.9 * limit.limit() * windows))
                .isLessThanOrEqualTo(limit.limit() * windows);
    }

    static BucketLimit randomLimit(SplittableRandom rnd) {
        long limit = rnd.nextBoolean()
                ? 1 + rnd.nextInt(40)
                : AdmissionWindow.SLIDING_LOG_MAX_LIMIT + 1 + rnd.nextInt(1500);
        long per = rnd.nextLong(limit * 64, 2_000_000_000L);
        long burst = rnd.nextBoolean() ? limit : 1 + rnd.nextLong(limit);
        return new BucketLimit(limit, Duration.ofNanos(per), burst);
    }

    /**
     * Demand around the limit's own rate (so buckets fill up): simultaneous arrivals, gaps near the
     * mean interval span/limit, and now and then a pause of up to two windows.
     */
    private static long gap(SplittableRandom rnd, long span, long limit) {
        long mean = Math.max(1, span / limit);
        int pick = rnd.nextInt(100);
        if (pick < 30) {
            return 0;
        } else if (pick < 97) {
            return rnd.nextLong(1, 3 * mean);
        } else if (pick < 99) {
            return rnd.nextLong(1, span / 2);
        }
        return rnd.nextLong(1, 2 * span);
    }
}

package dev.rlproxy.core.limit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: the sliding log, whose ring grows with use, answers exactly like the plain definition
 * (every admission kept in a list) through records, give-backs and replays, for any limit.
 */
class SlidingLogGrowthPropertyTest {

    static LongStream seeds() {
        return LongStream.range(0, 100);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void growingRingMatchesTheDefinition(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int limit = 1 + random.nextInt(random.nextBoolean() ? 5 : 300);
        long span = 1 + random.nextInt(1_000);
        SlidingLog log = new SlidingLog(limit, span);
        List<Long> all = new ArrayList<>();
        long now = 0;
        for (int step = 0; step < 400; step++) {
            now += random.nextInt(random.nextInt(4) == 0 ? 200 : 3);
            int cost = 1 + random.nextInt(Math.min(limit, 3));
            String context = "seed " + seed + " step " + step + " limit " + limit;
            assertThat(log.earliestNanos(now, cost)).as(context).isEqualTo(expectedEarliest(all, limit, span, now, cost));
            int op = random.nextInt(10);
            if (op < 7 && log.earliestNanos(now, cost) <= now) {
                log.record(now, cost);
                for (int i = 0; i < cost; i++) {
                    all.add(now);
                }
            } else if (op < 9 && !all.isEmpty()) {
                long at = all.get(all.size() - 1 - random.nextInt(Math.min(all.size(), 4)));
                int back = 1 + random.nextInt(2);
                log.giveBack(at, back);
                for (int i = 0; i < back && all.remove(at); i++) {
                    // removes one equal entry per pass
                }
            } else {
                SlidingLog copy = new SlidingLog(limit, span);
                log.replayInto(copy, now);
                log = copy;
                all = new ArrayList<>(all.subList(Math.max(0, all.size() - limit), all.size()));
            }
        }
    }

    /** The admission {@code limit - cost} places back from the newest must be {@code span} old. */
    private static long expectedEarliest(List<Long> all, int limit, long span, long now, int cost) {
        int back = limit - cost;
        if (all.size() <= back) {
            return now;
        }
        return Math.max(now, all.get(all.size() - 1 - back) + span);
    }
}

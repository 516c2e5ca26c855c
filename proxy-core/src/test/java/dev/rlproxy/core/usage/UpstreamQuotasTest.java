package dev.rlproxy.core.usage;

import dev.rlproxy.core.config.QuotaConfig;
import dev.rlproxy.core.config.QuotaMetric;
import dev.rlproxy.core.config.QuotaPeriod;
import dev.rlproxy.core.config.QuotaScope;
import dev.rlproxy.core.store.LocalUsageStore;
import dev.rlproxy.core.store.UsageDelta;
import dev.rlproxy.core.store.UsageStore;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.rlproxy.core.usage.QuotaAdmissions.admitted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpstreamQuotasTest {

    private static final long LAST_SECOND_OF_2026 = Instant.parse("2026-12-31T23:59:59Z").toEpochMilli();

    private final ManualClock clock = new ManualClock(LAST_SECOND_OF_2026);
    private final SwitchableStore store = new SwitchableStore(new LocalUsageStore(null, Runnable::run, clock));
    private final UsageMeter meter = new UsageMeter(store, clock);

    private static QuotaConfig requests(String name, long limit, QuotaPeriod period) {
        return new QuotaConfig(name, QuotaMetric.REQUESTS, limit, period);
    }


    @Test
    void aSpentMonthlyQuotaRefusesUntilTheMonthEndsEvenInTheLastSecondOfDecember() {
        UpstreamQuotas api = meter.configure("api", List.of(requests("monthly", 3, QuotaPeriod.MONTH)));
        assertThat(admitted(api)).isTrue();
        assertThat(admitted(api)).isTrue();
        assertThat(admitted(api)).isTrue();
        CompletionException refused = (CompletionException) catchThrowable(() -> api.admit(null, 0).join());
        QuotaSpentException spent = (QuotaSpentException) refused.getCause();
        assertThat(spent.quota()).isEqualTo("monthly");
        assertThat(spent.getMessage()).contains("quota 'monthly'", "upstream 'api'", "2026-12", "2027-01-01T00:00:00Z");
        assertThat(spent.retryAfterNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(1));
        assertThat(api.usage().get(0).used()).as("the refused request was given back").isEqualTo(3);

        clock.advance(Duration.ofMillis(999));
        assertThat(admitted(api)).as("still 2026-12").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(admitted(api)).as("2027-01: a new count").isTrue();
        assertThat(api.usage().get(0).periodKey()).isEqualTo("2027-01");
        assertThat(api.usage().get(0).used()).isEqualTo(1);
    }

    @Test
    void aDailyQuotaStartsAgainAtMidnightUtcWhileTheMonthlyOneKeepsCounting() {
        clock.advance(Duration.ofSeconds(1)); // 2027-01-01T00:00:00Z
        UpstreamQuotas api = meter.configure("api",
                List.of(requests("daily", 2, QuotaPeriod.DAY), requests("monthly", 5, QuotaPeriod.MONTH)));
        assertThat(admitted(api)).isTrue();
        assertThat(admitted(api)).isTrue();
        assertThat(admitted(api)).as("daily spent").isFalse();
        clock.advance(Duration.ofDays(1));
        assertThat(admitted(api)).isTrue();
        assertThat(admitted(api)).isTrue();
        assertThat(admitted(api)).as("daily spent again").isFalse();
        clock.advance(Duration.ofDays(1));
        assertThat(admitted(api)).isTrue();
        assertThat(admitted(api)).as("monthly spent: 5 in January").isFalse();
        assertThat(api.usage()).extracting(QuotaUsage::used).containsExactly(1L, 5L);
    }

    @Test
    void aReservationGivenBackIsNotCountedAndAChangedLimitKeepsTheCount() {
        UpstreamQuotas api = meter.configure("api", List.of(requests("monthly", 2, QuotaPeriod.MONTH)));
        api.admit(null, 0).join().cancel();
        assertThat(api.usage().get(0).used()).isZero();
        assertThat(admitted(api)).isTrue();
        assertThat(admitted(api)).isTrue();
        assertThat(admitted(api)).isFalse();

        meter.configure("api", List.of(requests("monthly", 4, QuotaPeriod.MONTH)));
        assertThat(admitted(api)).as("the raised limit applies to the count so far").isTrue();
        assertThat(admitted(api)).isTrue();
        assertThat(admitted(api)).isFalse();
        assertThat(api.usage().get(0).used()).isEqualTo(4);
    }

    @Test
    void tokenQuotasCountEachTokenOnItsOwn() {
        UpstreamQuotas api = meter.configure("api", List.of(
                new QuotaConfig("per-token", QuotaMetric.REQUESTS, 1, QuotaPeriod.DAY, QuotaScope.TOKEN, null)));
        api.admit("aaaa", 0).join();
        assertThatThrownBy(() -> api.admit("aaaa", 0).join()).hasCauseInstanceOf(QuotaSpentException.class);
        api.admit("bbbb", 0).join();
        assertThat(api.usage().get(0).byToken()).containsEntry("aaaa", 1L).containsEntry("bbbb", 1L);
    }

    @Test
    void byteQuotasRefuseAKnownBodyThatWouldPassTheLimitAndAnyRequestOnceItIsReached() {
        UpstreamQuotas api = meter.configure("api", List.of(
                new QuotaConfig("up", QuotaMetric.EGRESS_BYTES, 1000, QuotaPeriod.DAY),
                new QuotaConfig("down", QuotaMetric.INGRESS_BYTES, 500, QuotaPeriod.DAY)));
        api.tap(QuotaMetric.EGRESS_BYTES, null).add(600);
        assertThatThrownBy(() -> api.admit(null, 500).join()).hasCauseInstanceOf(QuotaSpentException.class);
        api.admit(null, 400).join();
        api.tap(QuotaMetric.INGRESS_BYTES, null).add(500);
        assertThatThrownBy(() -> api.admit(null, 0).join()).hasRootCauseMessage(
                "quota 'down' of upstream 'api' is spent: 500 ingress-bytes per day (2026-12-31); "
                        + "it starts again at 2027-01-01T00:00:00Z");
    }

    @Test
    void aFailedFlushPutsItsCountsBackAndTheNextOneDeliversThemAll() {
        clock.advance(Duration.ofDays(1)); // mid-January: no new period during the test
        UpstreamQuotas api = meter.configure("api", List.of(requests("monthly", 1000, QuotaPeriod.MONTH)));
        ManualScheduler scheduler = new ManualScheduler(clock);
        meter.flushEvery(Duration.ofSeconds(30), scheduler);
        for (int i = 0; i < 5; i++) {
            api.admit(null, 0).join();
        }
        scheduler.advanceNanos(Duration.ofSeconds(30).toNanos());
        assertThat(store.total("api||requests|2027-01")).isEqualTo(5);

        store.down = true;
        for (int i = 0; i < 3; i++) {
            api.admit(null, 0).join();
        }
        scheduler.advanceNanos(Duration.ofSeconds(30).toNanos());
        assertThat(meter.failedFlushes()).isEqualTo(1);
        assertThat(api.usage().get(0).used()).as("counted here all along").isEqualTo(8);

        store.down = false;
        scheduler.advanceNanos(Duration.ofSeconds(30).toNanos());
        assertThat(store.total("api||requests|2027-01")).as("nothing lost, nothing twice").isEqualTo(8);
        assertThat(api.usage().get(0).used()).isEqualTo(8);
    }

    @Test
    void manyThreadsOfOneReplicaNeverAdmitMoreThanTheLimitWhileFlushesRunAlongside() throws Exception {
        clock.advance(Duration.ofDays(1));
        UpstreamQuotas api = meter.configure("api",
                List.of(new QuotaConfig("monthly", QuotaMetric.REQUESTS, 500, QuotaPeriod.MONTH, null, 0L)));
        AtomicInteger admitted = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    if (admitted(api)) {
                        admitted.incrementAndGet();
                    }
                    if (i % 10 == 0) {
                        meter.flush();
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(admitted.get()).isLessThanOrEqualTo(500);
        while (admitted(api)) {
            admitted.incrementAndGet();
        }
        assertThat(admitted.get()).as("exactly the limit").isEqualTo(500);
        meter.flush().join();
        assertThat(store.total("api||requests|2027-01")).isEqualTo(500);
    }

    private static Throwable catchThrowable(Runnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** A real local store that can be made unreachable. */
    private static final class SwitchableStore implements UsageStore {
        private final LocalUsageStore store;
        volatile boolean down;

        SwitchableStore(LocalUsageStore store) {
            this.store = store;
        }

        @Override
        public CompletableFuture<Map<String, Long>> add(List<UsageDelta> deltas) {
            return down ? CompletableFuture.failedFuture(new UncheckedIOException(new IOException("down")))
                    : store.add(deltas);
        }

        long total(String key) {
            return store.add(List.of(new UsageDelta(key, 0, Long.MAX_VALUE))).join().get(key);
        }
    }
}

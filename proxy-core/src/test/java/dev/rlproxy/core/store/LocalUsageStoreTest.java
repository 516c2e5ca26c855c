package dev.rlproxy.core.store;

import dev.rlproxy.core.config.QuotaConfig;
import dev.rlproxy.core.config.QuotaMetric;
import dev.rlproxy.core.config.QuotaPeriod;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.usage.UpstreamQuotas;
import dev.rlproxy.core.usage.UsageMeter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LocalUsageStoreTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    @Test
    void totalsSurviveARestartThroughTheStateFile() throws Exception {
        Path file = dir.resolve("proxy.yaml.usage");
        List<QuotaConfig> quotas = List.of(new QuotaConfig("monthly", QuotaMetric.REQUESTS, 100, QuotaPeriod.MONTH));

        UsageMeter first = new UsageMeter(new LocalUsageStore(file, Runnable::run, clock), clock);
        UpstreamQuotas api = first.configure("api", quotas);
        for (int i = 0; i < 7; i++) {
            api.admit(null, 0).join();
        }
        first.close(Duration.ofSeconds(1)); // graceful shutdown: last flush, then the file
        assertThat(Files.readString(file)).contains("api||requests|2026-01\t7\t");
        assertThat(dir.resolve("proxy.yaml.usage.tmp")).as("written by rename").doesNotExist();

        UsageMeter second = new UsageMeter(new LocalUsageStore(file, Runnable::run, clock), clock);
        UpstreamQuotas again = second.configure("api", quotas);
        again.admit(null, 0).join();
        assertThat(again.usage().get(0).used()).isEqualTo(8);
    }

    @Test
    void aWriteStillQueuedAtCloseLeavesTheFileAlone() throws Exception {
        Path file = dir.resolve("late.usage");
        List<Runnable> queued = new java.util.ArrayList<>();
        LocalUsageStore store = new LocalUsageStore(file, queued::add, clock);
        store.add(List.of(new UsageDelta("api|x", 3, clock.wallMillis() + 60_000))).join();
        assertThat(queued).as("a write was queued on the writer").hasSize(1);

        store.close();
        assertThat(Files.readString(file)).contains("api|x\t3\t");
        Files.delete(file); // e.g. the directory being removed after shutdown
        queued.forEach(Runnable::run);

        assertThat(file).as("not written again after close").doesNotExist();
        assertThat(dir.resolve("late.usage.tmp")).doesNotExist();
    }

    @Test
    void aProxyThatCountedNothingWritesNoStateFile() {
        Path file = dir.resolve("quiet.usage");
        UsageMeter meter = new UsageMeter(new LocalUsageStore(file, Runnable::run, clock), clock);
        meter.configure("api", List.of());
        meter.close(Duration.ofSeconds(1));
        assertThat(file).doesNotExist();
    }

    @Test
    void totalsPastTheirExpiryAreForgottenAtStart() throws Exception {
        Path file = dir.resolve("state");
        Files.writeString(file, "# comment\nold|x\t5\t" + (clock.wallMillis() - 1) + "\nnew|x\t6\t"
                + (clock.wallMillis() + 1000) + "\nbroken line\n");
        LocalUsageStore store = new LocalUsageStore(file, Runnable::run, clock);
        var totals = store.add(List.of(new UsageDelta("old|x", 0, 0), new UsageDelta("new|x", 1, 0))).join();
        assertThat(totals).containsEntry("old|x", 0L).containsEntry("new|x", 7L);
    }
}

package dev.rlproxy.server;

import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.server.proxy.Draining;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Retired pools close on a later look, never at the reload itself, and all at once at shutdown. */
class RetirementsTest {

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final Retirements retirements = new Retirements(new Draining(), scheduler);

    @Test
    void closesOnTheFirstLookWithoutLiveRequestsAndOnlyOnce() {
        AtomicInteger closed = new AtomicInteger();
        retirements.retire("connections to upstream 'a'", upstream -> true, closed::incrementAndGet);

        assertThat(closed).as("requests routed by the old table may still be registering").hasValue(0);
        scheduler.advanceNanos(Retirements.CHECK_EVERY_NANOS);
        assertThat(closed).hasValue(1);
        assertThat(retirements.pending()).isZero();

        retirements.close();
        assertThat(closed).hasValue(1);
    }

    @Test
    void shutdownClosesWhatIsStillRetiringAndTheLaterLookDoesNothing() {
        AtomicInteger closed = new AtomicInteger();
        retirements.retire("token pool of upstream 'a'", upstream -> true, closed::incrementAndGet);

        retirements.close();
        assertThat(closed).hasValue(1);
        scheduler.advanceNanos(Retirements.CHECK_EVERY_NANOS);
        assertThat(closed).hasValue(1);
    }
}

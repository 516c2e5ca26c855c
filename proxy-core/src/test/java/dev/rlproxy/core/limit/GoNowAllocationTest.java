package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy asks for a ticket on every request: one that goes at once must cost one small object,
 * the ticket (which is its own completed future), even before the JIT compiles anything away.
 */
class GoNowAllocationTest {

    private static final int ROUNDS = 10_000;
    /** The ticket is 48 bytes with compressed references; more would mean something else is allocated. */
    private static final long TICKET_BYTES_AT_MOST = 64;

    private final ManualClock clock = new ManualClock();
    private final LocalRateLimiter limiter =
            new LocalRateLimiter(clock, new ManualScheduler(clock), LimiterSettings.DEFAULTS);

    @Test
    void aGoNowTicketInOneConfiguredBucketIsTheOnlyAllocation() {
        com.sun.management.ThreadMXBean threads = ThreadAllocations.counter();
        TicketRequest request = new TicketRequest(
                List.of(new BucketRef("github/per-user/X-User=alice", BucketLimit.of(1_000, Duration.ofNanos(1)))),
                null, 1, 0);
        acquireAndComplete(request, ROUNDS); // creates the bucket, loads classes, fills the log's ring

        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        int wentNow = acquireAndComplete(request, ROUNDS);
        long perRequest = (threads.getThreadAllocatedBytes(thread) - before) / ROUNDS;

        assertThat(wentNow).isEqualTo(ROUNDS);
        assertThat(perRequest).as("bytes allocated per go-now acquire and complete").isLessThanOrEqualTo(TICKET_BYTES_AT_MOST);
    }

    /** @return how many went at once (asserted outside the loop: an assertion allocates) */
    private int acquireAndComplete(TicketRequest request, int rounds) {
        int wentNow = 0;
        for (int i = 0; i < rounds; i++) {
            clock.advanceNanos(1); // the 1 ns window is clear again: every request goes now
            CompletableFuture<Ticket> ticket = limiter.acquire(request);
            if (ticket.isDone() && !ticket.isCompletedExceptionally()) {
                wentNow++;
                ticket.join().complete(RateLimitObservation.EMPTY);
            }
        }
        return wentNow;
    }
}

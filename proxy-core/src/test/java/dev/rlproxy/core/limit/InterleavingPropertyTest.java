package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A single-threaded driver picks acquire / cancel / complete / abandon / advance-time at random
 * (from the seed) against one limiter with two configured buckets and a learned bucket fed by a
 * simulated upstream. After every step the queue depth is exact and the upstream would not have
 * refused anything; at the end no window of any configured bucket holds more than its limit.
 */
class InterleavingPropertyTest {

    private static final long MS = 1_000_000L;

    static LongStream seeds() {
        return WindowCheck.seeds(200);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void invariantsHoldUnderRandomInterleavings(long seed) {
        new Run(seed).go();
    }

    /** One seeded run. */
    private static final class Run {
        final long seed;
        final SplittableRandom rnd;
        final ManualClock clock = new ManualClock();
        final ManualScheduler scheduler = new ManualScheduler(clock);
        final LocalRateLimiter limiter;
        final BucketRef x;
        final BucketRef y;
        final Map<String, List<Long>> admissions = new HashMap<>();
        final List<CompletableFuture<Ticket>> pending = new ArrayList<>();
        final List<Held> held = new ArrayList<>();
        final Upstream upstream;
        /**
         * Resets the limiter has been told of. Until it has seen two, it cannot know the window
         * length, and a request whose answer never came (abandoned maybe-sent) is followed by one
         * more probe, by design ("send one and wait for its headers"); from then on the upstream
         * must never see more than its limit in a window.
         */
        final java.util.Set<Long> resetsDelivered = new java.util.HashSet<>();
        /** The latest events, shown when an assertion fails. */
        final java.util.ArrayDeque<String> trace = new java.util.ArrayDeque<>();

        Run(long seed) {
            this.seed = seed;
            this.rnd = new SplittableRandom(seed);
            limiter = new LocalRateLimiter(clock, scheduler, new LimiterSettings(
                    1 + rnd.nextInt(20), Duration.ofMillis(rnd.nextInt(300))));
            x = new BucketRef("x", randomLimit());
            y = new BucketRef("y", randomLimit());
            admissions.put("x", new ArrayList<>());
            admissions.put("y", new ArrayList<>());
            upstream = new Upstream(1 + rnd.nextInt(8), 200 + rnd.nextInt(1800));
        }

        private BucketLimit randomLimit() {
            long limit = rnd.nextInt(4) == 0 ? 1025 + rnd.nextInt(200) : 1 + rnd.nextInt(6);
            long per = (100 + rnd.nextInt(2000)) * MS;
            long burst = rnd.nextBoolean() ? limit : 1 + rnd.nextLong(limit);
            return new BucketLimit(limit, Duration.ofNanos(per), burst);
        }

        void go() {
            for (int step = 0; step < 600; step++) {
                int op = rnd.nextInt(100);
                if (op < 45) {
                    acquire();
                } else if (op < 52) {
                    cancel();
                } else if (op < 67) {
                    complete();
                } else if (op < 72) {
                    abandon();
                } else {
                    scheduler.advanceNanos(rnd.nextInt(4) == 0 ? 0 : rnd.nextLong(1, 400 * MS));
                }
                pending.removeIf(CompletableFuture::isDone);
                assertThat(limiter.queueDepth()).as("seed %d step %d: queue depth", seed, step)
                        .isEqualTo(pending.size());
                assertThat(upstream.violation).as("seed %d step %d: upstream; %s", seed, step, trace).isNull();
                long learnedInFlight = held.stream().filter(h -> h.report != null).count();
                if (resetsDelivered.size() >= 2) {
                    assertThat(learnedInFlight).as("seed %d step %d: learned in flight", seed, step)
                            .isLessThanOrEqualTo(upstream.limit);
                }
            }
            for (BucketRef ref : List.of(x, y)) {
                assertThat(WindowCheck.violation(admissions.get(ref.key()), ref.limit().limit(),
                        ref.limit().per().toNanos()))
                        .as("seed %d bucket %s %s", seed, ref.key(), ref.limit()).isNull();
            }
        }

        void acquire() {
            List<BucketRef> refs = switch (rnd.nextInt(5)) {
                case 0 -> List.of(x);
                case 1 -> List.of(y);
                case 2 -> List.of(x, y);
                default -> List.of();
            };
            boolean learned = refs.isEmpty() || rnd.nextBoolean();
            long minLimit = refs.stream().mapToLong(r -> r.limit().limit()).min().orElse(1);
            int cost = learned ? 1 : 1 + rnd.nextInt((int) Math.min(minLimit, 3));
            long maxWait = rnd.nextInt(5) == 0 ? 0 : rnd.nextLong(1, 3_000 * MS);
            TicketRequest request = new TicketRequest(refs,
                    learned ? new LearnedRef("s", "r", null) : null, cost, maxWait);
            CompletableFuture<Ticket> f = limiter.acquire(request);
            f.whenComplete((ticket, failure) -> {
                if (ticket != null) {
                    granted(request, ticket);
                }
            });
            if (!f.isDone()) {
                pending.add(f);
            }
        }

        void granted(TicketRequest request, Ticket ticket) {
            long now = clock.nanoTime();
            for (BucketRef ref : request.buckets()) {
                for (int i = 0; i < request.cost(); i++) {
                    admissions.get(ref.key()).add(now);
                }
            }
            RateLimitObservation report = request.learned() == null ? null
                    : upstream.send(clock.wallMillis(), resetsDelivered.size() >= 2);
            if (report != null) {
                log("grant t=" + clock.wallMillis() + " report " + report.windows());
            }
            held.add(new Held(request, ticket, now, report, upstream.window(clock.wallMillis())));
        }

        void log(String event) {
            trace.addLast(event);
            if (trace.size() > 12) {
                trace.removeFirst();
            }
        }

        void cancel() {
            if (!pending.isEmpty()) {
                pending.get(rnd.nextInt(pending.size())).cancel(false);
            }
        }

        void complete() {
            if (!held.isEmpty()) {
                Held h = held.remove(rnd.nextInt(held.size()));
                if (h.report != null) {
                    resetsDelivered.add(h.report.windows().get(0).resetAtEpochMillis());
                }
                h.ticket.complete(h.report == null ? RateLimitObservation.EMPTY : h.report);
                if (h.report != null) {
                    log("complete t=" + clock.wallMillis() + " " + h.report.windows());
                }
                h.ticket.complete(RateLimitObservation.EMPTY); // ignored
            }
        }

        void abandon() {
            if (held.isEmpty()) {
                return;
            }
            Held h = held.remove(rnd.nextInt(held.size()));
            boolean maybeSent = rnd.nextBoolean();
            if (!maybeSent) {
                // Never sent: the upstream never counted it (undone before the limiter hears of it,
                // since abandoning may at once let a waiter through).
                for (BucketRef ref : h.request.buckets()) {
                    for (int i = 0; i < h.request.cost(); i++) {
                        admissions.get(ref.key()).remove(Long.valueOf(h.admittedAt));
                    }
                }
                if (h.report != null) {
                    upstream.unsend(h.upstreamWindow);
                }
            }
            if (h.report != null) {
                log("abandon t=" + clock.wallMillis() + " maybeSent=" + maybeSent + " " + h.report.windows());
            }
            h.ticket.abandon(maybeSent);
            h.ticket.abandon(false); // ignored
        }
    }

    private record Held(TicketRequest request, Ticket ticket, long admittedAt, RateLimitObservation report,
                        long upstreamWindow) {
    }

    /** Fixed windows on the wall clock; it counts a request when it is sent and reports after. */
    private static final class Upstream {
        final long limit;
        final long windowMillis;
        long window = Long.MIN_VALUE;
        long count;
        String violation;

        Upstream(long limit, long windowMillis) {
            this.limit = limit;
            this.windowMillis = windowMillis;
        }

        long window(long wallMillis) {
            return Math.floorDiv(wallMillis, windowMillis);
        }

        RateLimitObservation send(long wallMillis, boolean strict) {
            long w = window(wallMillis);
            if (w != window) {
                window = w;
                count = 0;
            }
            count++;
            if (strict && count > limit && violation == null) {
                violation = "request " + count + " of window " + w + " exceeds the upstream limit " + limit;
            }
            return new RateLimitObservation(null, List.of(new RateLimitWindow("default", limit,
                    Math.max(0, limit - count), (w + 1) * windowMillis)), false, false, -1);
        }

        void unsend(long w) {
            if (w == window) {
                count--;
            }
        }
    }
}

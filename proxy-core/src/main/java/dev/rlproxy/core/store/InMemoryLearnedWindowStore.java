package dev.rlproxy.core.store;

import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link LearnedWindowStore} accounting in this process: the reference the Redis script is
 * tested against (one contract suite runs on both), and a way for several limiters in one JVM to
 * share windows. A single proxy needs none of it: its limiter without a store is today's local one.
 * Times are the clock's wall milliseconds (the Redis script uses Redis {@code TIME}).
 */
public final class InMemoryLearnedWindowStore implements LearnedWindowStore {

    /** Resets closer than this (or the reset margin) are the same window: clocks and rounding jitter. */
    static final long RESET_JITTER_MILLIS = 10;
    private static final String ASSUMED = "~assumed";

    private final Clock clock;
    private final long staleReplicaMillis;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param staleReplicaMillis a replica silent this long no longer holds anything (it died) */
    public InMemoryLearnedWindowStore(Clock clock, long staleReplicaMillis) {
        this.clock = clock;
        this.staleReplicaMillis = staleReplicaMillis;
    }

    @Override
    public CompletableFuture<WindowGrant> sync(WindowSync sync) {
        Bucket bucket = buckets.computeIfAbsent(sync.key(), k -> new Bucket());
        synchronized (bucket) {
            return CompletableFuture.completedFuture(bucket.sync(sync, clock.wallMillis(), staleReplicaMillis));
        }
    }

    /** One learned bucket's shared state; the Redis script keeps the same fields in one hash. */
    private static final class Bucket {
        final Map<String, Window> windows = new LinkedHashMap<>();
        final Map<String, long[]> outstandingByReplica = new HashMap<>(); // {units, lastSeenMillis}
        long blockedUntil;
        /** The upstream's bucket id a replica learned this route belongs to, or null. */
        String boundTo;

        WindowGrant sync(WindowSync s, long now, long stale) {
            long margin = s.timing().resetMarginMillis();
            outstandingByReplica.values().removeIf(o -> now - o[1] > stale);
            long[] mine = outstandingByReplica.computeIfAbsent(s.replica(), r -> new long[2]);
            long before = sumOutstanding();
            if (windows.isEmpty() && s.assumed() != null) {
                windows.put(ASSUMED, Window.assumed(s.assumed(), before, now));
            }
            windows.values().removeIf(w -> w.rollOver(now, margin, before));
            windows.values().forEach(w -> w.avail += s.returned());
            // Units beyond what it held minus what it returned were admitted without a lease (Redis
            // was away, or its entry went stale): they come off avail, so recovery brings no burst.
            long held = mine[0];
            long excess = s.outstanding() - (held - s.returned());
            mine[0] = s.outstanding();
            mine[1] = now;
            long out = before - held + s.outstanding();
            if (excess > 0) {
                windows.values().forEach(w -> w.avail = Math.max(0, w.avail - excess));
            }
            applyReports(s, now, margin, out);
            if (s.retryAfterMillis() >= 0) {
                blockedUntil = Math.max(blockedUntil,
                        now + Math.min(s.retryAfterMillis(), s.timing().maxResetWaitMillis()) + margin);
            }
            if (s.boundTo() != null) {
                boundTo = s.boundTo();
            }
            if (boundTo != null) {
                return new WindowGrant(0, -1, !windows.isEmpty(), boundTo);
            }
            return grant(s.want(), mine, now, margin, out);
        }

        private void applyReports(WindowSync s, long now, long margin, long out) {
            boolean credible = false;
            for (RateLimitWindow r : s.reports()) {
                if (!r.isCredible() || r.remaining() < 0) {
                    continue;
                }
                long reset = r.resetAtEpochMillis() < 0 ? -1
                        : Math.min(r.resetAtEpochMillis(), now + s.timing().maxResetWaitMillis());
                if (reset >= 0 && reset + margin <= now) {
                    continue; // about a window that is over
                }
                credible = true;
                windows.computeIfAbsent(r.name(), n -> new Window())
                        .apply(r.limit(), r.remaining(), reset, out, Math.max(margin, RESET_JITTER_MILLIS));
            }
            if (credible) {
                windows.remove(ASSUMED);
            }
        }

        private WindowGrant grant(int want, long[] mine, long now, long margin, long out) {
            if (blockedUntil > now) {
                return new WindowGrant(0, blockedUntil - now, !windows.isEmpty());
            }
            if (windows.isEmpty()) {
                // Never heard from: one probe cluster-wide, and only while nothing else is out.
                int probe = want > 0 && out == 0 ? 1 : 0;
                mine[0] += probe;
                return new WindowGrant(probe, -1, false);
            }
            long least = Long.MAX_VALUE;
            for (Window w : windows.values()) {
                least = Math.min(least, w.avail);
            }
            // Slices shrink as the window nears empty, so every replica gets a share of the last units.
            int granted = (int) Math.min(want, Math.min(least, Math.max(1, least / 2)));
            if (granted <= 0) {
                return new WindowGrant(0, retryIn(now, margin), true);
            }
            for (Window w : windows.values()) {
                w.avail -= granted;
            }
            mine[0] += granted;
            return new WindowGrant(granted, 0, true);
        }

        /** The latest deadline among exhausted windows; -1 if one has no reset to wait for. */
        private long retryIn(long now, long margin) {
            long wait = 0;
            for (Window w : windows.values()) {
                if (w.avail <= 0) {
                    if (w.reset <= 0) {
                        return -1;
                    }
                    wait = Math.max(wait, w.reset + margin - now);
                }
            }
            return Math.max(1, wait);
        }

        private long sumOutstanding() {
            long sum = 0;
            for (long[] o : outstandingByReplica.values()) {
                sum += o[0];
            }
            return sum;
        }
    }

    private static final class Window {
        long limit = -1;
        long avail;
        /** Epoch millis; 0 when unknown. */
        long reset;
        /** Window length learned from two distinct resets; 0 when unknown. */
        long length;
        long lastReportedReset;

        static Window assumed(WindowSync.AssumedWindow assumed, long out, long now) {
            Window w = new Window();
            w.limit = assumed.limit();
            w.avail = Math.max(0, assumed.limit() - out);
            w.reset = now + assumed.periodMillis();
            w.length = assumed.periodMillis();
            return w;
        }

        /** A passed reset restores the window; true when it must go (limit unknown: probe again). */
        boolean rollOver(long now, long margin, long out) {
            if (reset <= 0 || now < reset + margin) {
                return false;
            }
            if (limit <= 0) {
                return true;
            }
            avail = Math.max(0, limit - out);
            reset = length > 0 ? reset + ((now - reset) / length + 1) * length : 0;
            return false;
        }

        /**
         * A reset later than the last reported one is a new window (an extrapolated reset is only a
         * guess: a report corrects it); otherwise the report can only lower what is left.
         */
        void apply(long reportedLimit, long remaining, long reportedReset, long out, long tolerance) {
            if (reportedLimit > 0) {
                limit = reportedLimit;
            }
            long fromReport = Math.max(0, remaining - out);
            if (reportedReset < 0) {
                avail = reset > 0 ? Math.min(avail, fromReport) : fromReport;
                return;
            }
            long previous = lastReportedReset;
            long apart = Math.abs(reportedReset - previous);
            if (previous > 0 && apart > tolerance) {
                length = length > 0 ? Math.min(length, apart) : apart; // resets lie whole windows apart
            }
            lastReportedReset = reportedReset;
            if (reset <= 0 || reportedReset > previous + tolerance) {
                avail = fromReport; // a new window: taken as said
                reset = reportedReset;
            } else {
                avail = Math.min(avail, fromReport); // same window: out-of-order answers only lower it
                reset = Math.max(reset, reportedReset);
            }
        }
    }
}

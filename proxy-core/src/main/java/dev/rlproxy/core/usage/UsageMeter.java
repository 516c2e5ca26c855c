package dev.rlproxy.core.usage;

import dev.rlproxy.core.config.QuotaConfig;
import dev.rlproxy.core.store.UsageDelta;
import dev.rlproxy.core.store.UsageStore;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.time.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Meters quota usage for every upstream of this replica and keeps it in a {@link UsageStore}.
 * Requests and bytes are counted in local counters ({@link UsageCounter}); a flush sends what was
 * counted since the last one to the store in one call and learns the totals back, every
 * {@code flushInterval}, before an admission that must be exact, and on {@link #close}. A failed
 * flush puts its amounts back, so nothing counted is lost while the store is away.
 *
 * <p>Flushes run one at a time: one asked for while another is on its way runs right after it,
 * and everyone who asked meanwhile shares it. So totals come back in the order they were formed.
 */
public final class UsageMeter implements AutoCloseable {

    /** Totals are kept this long past their period's end (for reports), then forgotten. */
    static final long KEEP_AFTER_END_MILLIS = TimeUnit.DAYS.toMillis(2);

    private static final Logger LOG = LoggerFactory.getLogger(UsageMeter.class);

    private final UsageStore store;
    private final Clock clock;
    private final Map<String, UsageCounter> counters = new ConcurrentHashMap<>();
    private final Map<String, UpstreamQuotas> upstreams = new ConcurrentHashMap<>();
    private final AtomicLong failedFlushes = new AtomicLong();
    private final Object flushLock = new Object();
    private CompletableFuture<Void> running;
    private CompletableFuture<Void> queued;
    private volatile Scheduler.Cancellable timer;
    private volatile boolean closed;

    public UsageMeter(UsageStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * The quotas of {@code upstream}, now {@code quotas}. Called at start and on every reload: the
     * same object stays in use, and counts are kept by metric and period, never by configuration,
     * so a changed limit applies to the count so far.
     */
    public UpstreamQuotas configure(String upstream, List<QuotaConfig> quotas) {
        UpstreamQuotas set = upstreams.computeIfAbsent(upstream, name -> new UpstreamQuotas(name, this, clock));
        set.update(quotas);
        return set;
    }

    /** Flushes every {@code interval} on {@code scheduler} (a thread that may wait on the store) until closed. */
    public void flushEvery(Duration interval, Scheduler scheduler) {
        long nanos = interval.toNanos();
        timer = scheduler.schedule(() -> {
            if (!closed) {
                flush();
                flushEvery(interval, scheduler);
            }
        }, nanos);
    }

    /** Flushes that failed so far (the store was unavailable); their amounts went with a later one. */
    public long failedFlushes() {
        return failedFlushes.get();
    }

    /** The counter named {@code key}, created at zero and not yet known to the store. */
    UsageCounter counter(String key, long periodEndMillis) {
        return counters.computeIfAbsent(key, k -> new UsageCounter(k, periodEndMillis));
    }

    /** Every counter this process holds. */
    Iterable<UsageCounter> counters() {
        return counters.values();
    }

    /**
     * Sends what was counted to the store and learns the totals; completes when done (also when
     * the store was unavailable: then exceptionally, and the amounts wait for the next flush).
     */
    public CompletableFuture<Void> flush() {
        CompletableFuture<Void> mine;
        synchronized (flushLock) {
            if (running != null) {
                if (queued == null) {
                    queued = new CompletableFuture<>();
                }
                return queued;
            }
            mine = new CompletableFuture<>();
            running = mine;
        }
        send(mine);
        return mine;
    }

    /** Sends every counter's unflushed amount (0 just reads its total); completes {@code done} after. */
    private void send(CompletableFuture<Void> done) {
        List<UsageCounter> sending = new ArrayList<>(counters.values());
        List<UsageDelta> deltas = new ArrayList<>(sending.size());
        long[] amounts = new long[sending.size()];
        for (int i = 0; i < sending.size(); i++) {
            UsageCounter c = sending.get(i);
            amounts[i] = c.takeForFlush();
            deltas.add(new UsageDelta(c.key(), amounts[i], c.periodEndMillis() + KEEP_AFTER_END_MILLIS));
        }
        CompletableFuture<Map<String, Long>> added = deltas.isEmpty()
                ? CompletableFuture.completedFuture(Map.of()) : addSafely(deltas);
        added.whenComplete((totals, error) -> {
            for (int i = 0; i < sending.size(); i++) {
                Long total = error == null ? totals.get(sending.get(i).key()) : null;
                if (total != null) {
                    sending.get(i).flushed(amounts[i], total);
                } else {
                    sending.get(i).flushFailed(amounts[i]);
                }
            }
            if (error != null) {
                failedFlushes.incrementAndGet();
                LOG.debug("usage flush failed; its counts go with the next one: {}", error.toString());
            }
            forgetEndedCounters();
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                done.complete(null);
            }
            sendQueued();
        });
    }

    private CompletableFuture<Map<String, Long>> addSafely(List<UsageDelta> deltas) {
        try {
            return store.add(deltas);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The flush on its way is done: the one asked for meanwhile, if any, goes now. */
    private void sendQueued() {
        CompletableFuture<Void> next;
        synchronized (flushLock) {
            next = queued;
            queued = null;
            running = next;
        }
        if (next != null) {
            send(next);
        }
    }

    private void forgetEndedCounters() {
        long cutoff = clock.wallMillis() - KEEP_AFTER_END_MILLIS;
        counters.values().removeIf(c -> c.idleAndEndedBefore(cutoff));
    }

    /**
     * Stops the timer and flushes a last time, waiting up to {@code timeout}; then closes the
     * store (which persists what it must). Counts that could not be flushed are lost with the
     * process, and logged.
     */
    public void close(Duration timeout) {
        closed = true;
        Scheduler.Cancellable t = timer;
        if (t != null) {
            t.cancel();
        }
        try {
            flush().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("the last usage flush failed: counts since the previous flush are lost ({})", e.toString());
        }
        store.close();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}

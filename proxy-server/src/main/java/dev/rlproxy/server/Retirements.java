package dev.rlproxy.server;

import dev.rlproxy.core.time.Scheduler;
import dev.rlproxy.server.proxy.Draining;
import dev.rlproxy.server.proxy.Upstream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Connection pools and token pools a reload replaced or removed. New requests no longer reach
 * them, but requests that began before the reload still use them: each closes once no live
 * exchange goes to an upstream that uses it, looked at every {@link #CHECK_EVERY_NANOS}. The first
 * look is that far after the reload too, well after any request routed by the old table has
 * registered as live.
 */
final class Retirements implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Retirements.class);

    static final long CHECK_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Retiree(String what, Predicate<Upstream> usedBy, Runnable close) {
    }

    private final Draining draining;
    private final Scheduler scheduler;
    private final Set<Retiree> pending = ConcurrentHashMap.newKeySet();

    Retirements(Draining draining, Scheduler scheduler) {
        this.draining = draining;
        this.scheduler = scheduler;
    }

    /**
     * Closes {@code close} once no live exchange's upstream matches {@code usedBy}.
     *
     * @param what for the log, e.g. {@code connections to upstream 'github'}
     */
    void retire(String what, Predicate<Upstream> usedBy, Runnable close) {
        Retiree retiree = new Retiree(what, usedBy, close);
        pending.add(retiree);
        scheduler.schedule(() -> check(retiree), CHECK_EVERY_NANOS);
    }

    /** Retired resources not closed yet. */
    int pending() {
        return pending.size();
    }

    private void check(Retiree retiree) {
        if (!pending.contains(retiree)) {
            return; // closed at shutdown meanwhile
        }
        if (draining.anyLive(retiree.usedBy())) {
            scheduler.schedule(() -> check(retiree), CHECK_EVERY_NANOS);
            return;
        }
        if (pending.remove(retiree)) {
            retiree.close().run();
            log.info("closed {}: replaced or removed by a reload, and its last requests have finished", retiree.what());
        }
    }

    /** Shutdown: whatever is still retiring closes now, with everything else. */
    @Override
    public void close() {
        for (Retiree retiree : pending) {
            if (pending.remove(retiree)) {
                retiree.close().run();
            }
        }
    }
}

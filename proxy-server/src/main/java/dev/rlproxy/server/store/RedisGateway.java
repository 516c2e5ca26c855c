package dev.rlproxy.server.store;

import dev.rlproxy.core.metrics.StoreMetrics;
import dev.rlproxy.core.time.Scheduler;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The one way the proxy talks to Redis. Jedis blocks, so every call runs on a small executor of
 * its own (never on an event loop) and answers with a future; callers hop back to their own
 * thread. A bounded queue keeps a slow Redis from piling up work: a full queue is an unavailable
 * store, not a wait.
 *
 * <p><b>Availability (a circuit breaker).</b> The first call that fails to reach Redis (refused,
 * reset, timed out) marks the store unavailable; from then on calls fail at once with
 * {@link StoreUnavailableException}, so no request waits on a dead or paused Redis, and a
 * {@code PING} probe runs every probe interval until one answers. Listeners hear both
 * transitions; the limiter uses them to switch to and back from its failure mode. Errors Redis
 * itself reports (a script error, a wrong type) are bugs, not outages: they fail that call only;
 * replies that refuse everyone (wrong password, {@code BUSY}, {@code LOADING}, {@code READONLY}…)
 * are outages.
 *
 * <p>The client may be made lazily: Sentinel and Cluster clients ask their nodes for the topology
 * while they are built, so a Redis that is down at start would otherwise stop the proxy from
 * starting. A client that cannot be built yet counts as an unavailable store, and the probe builds it.
 */
public final class RedisGateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisGateway.class);

    private final Supplier<UnifiedJedis> connect;
    private final StoreMetrics metrics;
    private volatile UnifiedJedis jedis;
    private volatile boolean closed;
    private final Scheduler scheduler;
    private final long probeIntervalNanos;
    private final String description;
    private final ThreadPoolExecutor executor;
    private final AtomicBoolean available = new AtomicBoolean(true);
    private final AtomicBoolean probing = new AtomicBoolean();
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder failures = new LongAdder();

    /**
     * @param jedis              any client form (standalone, Sentinel, Cluster); owned and closed by this gateway
     * @param description        where Redis is, without a password (for logs and errors)
     * @param threads            executor threads, i.e. Redis calls in flight at once
     * @param maxQueued          calls that may wait for a thread before new ones fail fast
     * @param probeIntervalNanos how often an unavailable store is probed
     */
    public RedisGateway(UnifiedJedis jedis, String description, Scheduler scheduler, int threads, int maxQueued,
                        long probeIntervalNanos) {
        this(connected(jedis), description, scheduler, threads, maxQueued, probeIntervalNanos, StoreMetrics.NONE);
        this.jedis = jedis;
    }

    /**
     * @param connect builds the client, on a store thread, the first time one is needed; a failure
     *                counts as Redis being unavailable and is tried again by the probe
     * @param metrics hears every round trip and failure
     */
    public RedisGateway(Supplier<UnifiedJedis> connect, String description, Scheduler scheduler, int threads,
                        int maxQueued, long probeIntervalNanos, StoreMetrics metrics) {
        this.connect = Objects.requireNonNull(connect, "connect");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.description = Objects.requireNonNull(description, "description");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.probeIntervalNanos = probeIntervalNanos;
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.NANOSECONDS,
                new ArrayBlockingQueue<>(maxQueued), r -> {
                    Thread t = new Thread(r, "rlproxy-redis-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Runs {@code op} against Redis off the caller's thread; {@code what} names it in errors. */
    public <T> CompletableFuture<T> call(String what, Function<UnifiedJedis, T> op) {
        if (!available.get()) {
            return CompletableFuture.failedFuture(
                    new StoreUnavailableException("Redis at " + description + " is unavailable"));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> run(what, op, result));
        } catch (RejectedExecutionException e) {
            countFailure();
            result.completeExceptionally(new StoreUnavailableException(
                    "too many Redis calls waiting (" + executor.getQueue().size() + "); " + what + " not sent", e));
        }
        return result;
    }

    /** Runs {@code script} through {@link #call}. */
    public CompletableFuture<Object> eval(RedisScript script, List<String> keys, List<String> args) {
        return call(script.name(), j -> script.eval(j, keys, args));
    }

    public boolean isAvailable() {
        return available.get();
    }

    /** Hears {@code false} when the store becomes unavailable and {@code true} when it answers again; called on a store thread. */
    public void onAvailabilityChange(Consumer<Boolean> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Redis calls made so far, answered or not. */
    public long roundTrips() {
        return roundTrips.sum();
    }

    /** Calls that failed: unreachable, timed out, refused for a full queue, or an error reply. */
    public long failures() {
        return failures.sum();
    }

    public String description() {
        return description;
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        synchronized (this) {
            if (jedis != null) {
                jedis.close();
            }
        }
    }

    /**
     * Replies that say Redis cannot serve anyone now (refused credentials, a script hogging it,
     * loading its data, no master, a read-only replica after a failover), not that this call was wrong.
     */
    private static boolean isOutage(JedisDataException e) {
        if (e instanceof JedisAccessControlException || e instanceof JedisBusyException) {
            return true;
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        return message.startsWith("LOADING") || message.startsWith("MASTERDOWN") || message.startsWith("CLUSTERDOWN")
                || message.startsWith("READONLY");
    }

    /**
     * Why Redis could not be reached, in words an operator can act on: a refused certificate says
     * which check failed and what to configure (the TLS trust manager's message), a failed TLS
     * handshake says why; anything else is named by its type and Jedis' message (which holds
     * addresses, never credentials).
     */
    static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return t.getMessage();
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return "TLS: " + t.getMessage();
            }
        }
        return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    }

    private static Supplier<UnifiedJedis> connected(UnifiedJedis jedis) {
        Objects.requireNonNull(jedis, "jedis");
        return () -> jedis;
    }

    /** The client, built on first use; on a store thread only. */
    private UnifiedJedis client() {
        UnifiedJedis client = jedis;
        if (client != null) {
            return client;
        }
        synchronized (this) {
            if (jedis == null && !closed) {
                jedis = connect.get();
            }
            if (jedis == null) {
                throw new StoreUnavailableException("the Redis gateway to " + description + " is closed");
            }
            return jedis;
        }
    }

    private void countRoundTrip() {
        roundTrips.increment();
        metrics.roundTrip();
    }

    private void countFailure() {
        failures.increment();
        metrics.failure();
    }

    private <T> void run(String what, Function<UnifiedJedis, T> op, CompletableFuture<T> result) {
        if (!available.get()) { // it went down while this call queued: do not wait on it again
            result.completeExceptionally(new StoreUnavailableException("Redis at " + description + " is unavailable"));
            return;
        }
        countRoundTrip();
        try {
            result.complete(op.apply(client()));
        } catch (JedisDataException e) {
            countFailure();
            if (!isOutage(e)) {
                result.completeExceptionally(e); // Redis answered: the call was wrong, the store is fine
                return;
            }
            markUnavailable(what, e);
            String reply = e.getMessage() == null ? "" : e.getMessage().split(" ", 2)[0];
            result.completeExceptionally(new StoreUnavailableException(
                    what + " failed: Redis at " + description + " refused it (" + reply + ")", e));
        } catch (RuntimeException e) {
            countFailure();
            markUnavailable(what, e);
            result.completeExceptionally(new StoreUnavailableException(
                    what + " failed: Redis at " + description + " did not answer (" + reason(e) + ")", e));
        }
    }

    private void markUnavailable(String what, RuntimeException cause) {
        if (available.compareAndSet(true, false)) {
            LOG.warn("Redis at {} is unavailable ({} failed: {}); probing every {} ms", description, what,
                    reason(cause), TimeUnit.NANOSECONDS.toMillis(probeIntervalNanos));
            listeners.forEach(l -> l.accept(false));
        }
        scheduleProbe();
    }

    private void scheduleProbe() {
        if (probing.compareAndSet(false, true)) {
            scheduler.schedule(this::probe, probeIntervalNanos);
        }
    }

    private void probe() {
        try {
            executor.execute(() -> {
                countRoundTrip();
                try {
                    client().ping();
                    probing.set(false);
                    if (available.compareAndSet(false, true)) {
                        LOG.info("Redis at {} answers again", description);
                        listeners.forEach(l -> l.accept(true));
                    }
                } catch (RuntimeException e) {
                    countFailure();
                    probing.set(false);
                    scheduleProbe();
                }
            });
        } catch (RejectedExecutionException e) {
            probing.set(false); // shutting down, or the queue is full of calls that will fail fast anyway
            if (!executor.isShutdown()) {
                scheduleProbe();
            }
        }
    }
}

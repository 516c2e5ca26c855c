package dev.rlproxy.server.store;

import dev.rlproxy.core.time.Scheduler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/** Gateways to a test's redis-server: short timeouts, and a real-time scheduler for the probe. */
final class TestGateways {

    static final long PROBE_NANOS = Duration.ofMillis(200).toNanos();

    private TestGateways() {
    }

    static RedisGateway connect(RedisServerProcess redis) {
        return connect(redis, new OwnScheduler());
    }

    static RedisGateway connect(RedisServerProcess redis, Scheduler scheduler) {
        RedisClient client = RedisClient.builder()
                .hostAndPort(new HostAndPort(redis.host(), redis.port()))
                .clientConfig(DefaultJedisClientConfig.builder().socketTimeoutMillis(300).connectionTimeoutMillis(300).build())
                .build();
        return new RedisGateway(client, redis.uri(), scheduler, 2, 1_000, PROBE_NANOS);
    }

    /** A {@link Scheduler} on a daemon thread of its own, for tests that run in real time. */
    static final class OwnScheduler implements Scheduler {

        private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "test-scheduler");
            t.setDaemon(true);
            return t;
        });

        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
            if (executor.isShutdown()) {
                return () -> { };
            }
            try {
                ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            } catch (RejectedExecutionException e) {
                return () -> { }; // shut down meanwhile: the replica is gone
            }
        }

        void shutdown() {
            executor.shutdownNow();
        }
    }
}

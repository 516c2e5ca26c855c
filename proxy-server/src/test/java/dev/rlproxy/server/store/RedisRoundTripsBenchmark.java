package dev.rlproxy.server.store;

import dev.rlproxy.core.config.FailureMode;
import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.limit.BucketLimit;
import dev.rlproxy.core.limit.BucketRef;
import dev.rlproxy.core.limit.LimiterSettings;
import dev.rlproxy.core.limit.LocalRateLimiter;
import dev.rlproxy.core.limit.TicketRequest;
import dev.rlproxy.core.store.SharedBuckets;
import dev.rlproxy.core.time.Clock;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.serialization.Mapper;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import io.github.bucket4j.redis.jedis.RedisApi;
import io.github.bucket4j.redis.jedis.cas.JedisBasedProxyManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.RedisClient;

/**
 * Not a test: Redis round trips and commands per admitted request, our leases against bucket4j's
 * Jedis proxy manager, on one redis-server, in one run. Each side runs {@code replicas} instances,
 * each with its own Jedis pool, sharing one bucket of {@code limit} per second under a load far
 * above it for {@code seconds}, once per number of clients per replica. Round trips are counted by
 * the clients (our gateway; a counting {@link RedisApi} under bucket4j, doing what bucket4j's own
 * does); Redis' {@code INFO commandstats}, reset before and read after each side, adds the commands
 * scripts run inside Redis. Every admission is timestamped: the most admissions in any interval of
 * one second tells the over-admission. Run by {@code benchmarks/redis-roundtrips.sh}.
 *
 * <p>Usage: {@code host port limit seconds replicas clientsPerReplica[,clients...] report.md}
 */
public final class RedisRoundTripsBenchmark {

    private static final long SECOND = 1_000_000_000L;
    private static final Duration LEASE_VALIDITY = RedisBucketLeases.DEFAULT_VALIDITY;

    private final String host;
    private final int port;
    private final int limit;
    private final long seconds;
    private final int replicas;
    private int clients;
    private final int[] clientCounts;

    private RedisRoundTripsBenchmark(String[] args) {
        host = args[0];
        port = Integer.parseInt(args[1]);
        limit = Integer.parseInt(args[2]);
        seconds = Long.parseLong(args[3]);
        replicas = Integer.parseInt(args[4]);
        clientCounts = Arrays.stream(args[5].split(",")).mapToInt(Integer::parseInt).toArray();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: host port limit seconds replicas clientsPerReplica report.md");
            System.exit(2);
        }
        RedisRoundTripsBenchmark bench = new RedisRoundTripsBenchmark(args);
        List<Result> results = new ArrayList<>();
        int limit = bench.limit;
        for (int clients : bench.clientCounts) {
            bench.clients = clients;
            results.add(bench.measure("rlproxy leases (validity " + LEASE_VALIDITY.toMillis() + " ms)",
                    () -> bench.leases("leases-" + clients)));
            results.add(bench.measure("bucket4j: capacity " + limit + ", refillIntervally(" + limit + ", 1 s)",
                    () -> bench.bucket4j(Bandwidth.builder().capacity(limit)
                            .refillIntervally(limit, Duration.ofSeconds(1)).build(), "intervally-" + clients)));
            results.add(bench.measure("bucket4j: capacity " + limit / 2 + ", refillGreedy(" + limit / 2
                            + ", 1 s), never over " + limit + " in 1 s",
                    () -> bench.bucket4j(Bandwidth.builder().capacity(limit / 2)
                            .refillGreedy(limit / 2, Duration.ofSeconds(1)).build(), "greedy-half-" + clients)));
        }
        String report = bench.report(results);
        Files.writeString(Path.of(args[6]), report, StandardCharsets.UTF_8);
        System.out.print(report);
        System.exit(0); // Jedis and bucket4j leave non-daemon threads behind
    }

    private interface Load {
        Run run() throws Exception;
    }

    /** What one side did: its admissions (sorted timestamps) and the round trips its clients made. */
    private record Run(long[] admissions, long roundTrips) {

        /** Admissions before {@code end} only (queued tickets may be admitted later), all round trips. */
        static Run until(List<Long> admitted, long end, long roundTrips) {
            synchronized (admitted) {
                return new Run(admitted.stream().mapToLong(Long::longValue).filter(t -> t - end < 0).sorted().toArray(),
                        roundTrips);
            }
        }
    }

    private record Result(String name, int clients, Run run, Map<String, Long> calls, long seconds) {

        long commands() {
            return calls.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private Result measure(String name, Load load) throws Exception {
        try (Jedis admin = new Jedis(host, port)) {
            admin.configResetStat();
            Run run = load.run();
            Map<String, Long> calls = commandCalls(admin.info("commandstats"));
            System.err.printf("%s, %d clients per replica: %d admitted, %d round trips, %s%n", name, clients,
                    run.admissions().length, run.roundTrips(), calls);
            return new Result(name, clients, run, calls, seconds);
        }
    }

    /** {@code cmdstat_evalsha:calls=12,...} lines, without the benchmark's own INFO and CONFIG calls. */
    static Map<String, Long> commandCalls(String info) {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : info.split("\r?\n")) {
            if (!line.startsWith("cmdstat_")) {
                continue;
            }
            String command = line.substring("cmdstat_".length(), line.indexOf(':'));
            if (command.equals("info") || command.startsWith("config")) {
                continue;
            }
            String rest = line.substring(line.indexOf("calls=") + "calls=".length());
            calls.put(command, Long.parseLong(rest.substring(0, rest.indexOf(','))));
        }
        return calls;
    }

    /** Our side: {@code replicas} limiters, each with its own gateway (Jedis pool) and clients that never stop asking. */
    private Run leases(String key) throws InterruptedException {
        BucketLimit bucket = BucketLimit.of(limit, Duration.ofSeconds(1));
        Clock clock = Clock.system();
        List<Long> admitted = new ArrayList<>();
        List<Runnable> stops = new ArrayList<>();
        List<RedisGateway> gateways = new ArrayList<>();
        long end = System.nanoTime() + seconds * SECOND;
        for (int r = 0; r < replicas; r++) {
            TestGateways.OwnScheduler scheduler = new TestGateways.OwnScheduler();
            RedisClient client = RedisClient.builder().hostAndPort(new HostAndPort(host, port))
                    .clientConfig(DefaultJedisClientConfig.builder().socketTimeoutMillis(1_000).build()).build();
            RedisGateway gateway = new RedisGateway(client, "redis://" + host + ":" + port, scheduler, 2, 1_000,
                    TestGateways.PROBE_NANOS);
            gateways.add(gateway);
            LocalRateLimiter limiter = new LocalRateLimiter(clock, scheduler, new LimiterSettings(10_000, Duration.ZERO),
                    new SharedBuckets(new RedisBucketLeases(gateway, LEASE_VALIDITY), FailureMode.LOCAL_SHARE, replicas));
            TicketRequest request = new TicketRequest(List.of(new BucketRef("bench/" + key, bucket)), null, 1, SECOND, false);
            for (int c = 0; c < clients; c++) {
                scheduler.schedule(new Runnable() {
                    @Override
                    public void run() {
                        if (System.nanoTime() - end >= 0) {
                            return;
                        }
                        limiter.acquire(request).whenComplete((ticket, error) -> {
                            if (ticket != null) {
                                long now = System.nanoTime();
                                synchronized (admitted) {
                                    admitted.add(now);
                                }
                                ticket.sent();
                                ticket.complete(RateLimitObservation.EMPTY);
                            }
                            scheduler.schedule(this, ticket != null ? 0 : 10_000_000L);
                        });
                    }
                }, 0);
            }
            stops.add(() -> {
                scheduler.shutdown();
                gateway.close();
            });
        }
        sleepUntil(end + 2 * LEASE_VALIDITY.toNanos()); // open leases close or expire: their round trips count
        stops.forEach(Runnable::run);
        return Run.until(admitted, end, gateways.stream().mapToLong(RedisGateway::roundTrips).sum());
    }

    /**
     * bucket4j's side: {@code replicas} proxy managers, each with its own {@link JedisPool}, and
     * {@code clients} threads per replica that each wait for one token at a time with bucket4j's
     * blocking consume (it reserves the token in Redis and sleeps until it is due): the same
     * decision as our queue's, with no round trips for refusals.
     */
    private Run bucket4j(Bandwidth bandwidth, String key) throws InterruptedException {
        BucketConfiguration configuration = BucketConfiguration.builder().addLimit(bandwidth).build();
        List<Long> admitted = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<JedisPool> pools = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        LongAdder roundTrips = new LongAdder();
        long end = System.nanoTime() + seconds * SECOND;
        for (int r = 0; r < replicas; r++) {
            JedisPoolConfig poolConfig = new JedisPoolConfig();
            poolConfig.setMaxTotal(clients);
            JedisPool pool = new JedisPool(poolConfig, host, port, 1_000);
            pools.add(pool);
            JedisBasedProxyManager<byte[]> manager = new Bucket4jJedis.JedisBasedProxyManagerBuilder<>(Mapper.BYTES,
                    new CountingRedisApi(pool, roundTrips))
                    .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                    .build();
            BucketProxy bucket = manager.builder().build(("bench/bucket4j/" + key).getBytes(StandardCharsets.UTF_8),
                    () -> configuration);
            for (int c = 0; c < clients; c++) {
                Thread t = new Thread(() -> {
                    while (System.nanoTime() - end < 0) {
                        try {
                            bucket.asBlocking().consume(1);
                            long now = System.nanoTime();
                            synchronized (admitted) {
                                admitted.add(now);
                            }
                        } catch (InterruptedException e) {
                            return;
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                            try {
                                Thread.sleep(10);
                            } catch (InterruptedException stop) {
                                return;
                            }
                        }
                    }
                }, "bucket4j-" + r + "-" + c);
                t.start();
                threads.add(t);
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        pools.forEach(JedisPool::close);
        if (errors.get() > 0) {
            System.err.println("bucket4j calls that failed: " + errors.get());
        }
        return Run.until(admitted, end, roundTrips.sum());
    }

    /** What {@code Bucket4jJedis.casBasedBuilder(pool)} uses, counting the calls. */
    private record CountingRedisApi(JedisPool pool, LongAdder calls) implements RedisApi {

        @Override
        public Object eval(byte[] script, int keyCount, byte[]... params) {
            calls.increment();
            try (Jedis jedis = pool.getResource()) {
                return jedis.eval(script, keyCount, params);
            }
        }

        @Override
        public byte[] get(byte[] key) {
            calls.increment();
            try (Jedis jedis = pool.getResource()) {
                return jedis.get(key);
            }
        }

        @Override
        public void delete(byte[] key) {
            calls.increment();
            try (Jedis jedis = pool.getResource()) {
                jedis.del(key);
            }
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
    }

    /** The most admissions in any interval of {@code span} (half-open), from sorted timestamps. */
    static int mostWithin(long[] sorted, long span) {
        int most = 0;
        int from = 0;
        for (int to = 0; to < sorted.length; to++) {
            while (sorted[to] - sorted[from] >= span) {
                from++;
            }
            most = Math.max(most, to - from + 1);
        }
        return most;
    }

    private String report(List<Result> results) {
        StringBuilder md = new StringBuilder();
        md.append("# Redis round trips per admitted request: rlproxy leases vs bucket4j\n\n");
        md.append("Run ").append(Instant.now()).append(". One redis-server (its own, 127.0.0.1), one bucket of **")
                .append(limit).append(" per second**, **").append(replicas).append(" replicas** (instances in one "
                        + "JVM, each with its own Jedis pool), clients per replica that never stop asking (ours queue "
                        + "in the limiter; bucket4j's wait in its blocking consume), ")
                .append(seconds).append(" s per side, one side after the other.\n\n"
                        + "- **round trips**: calls the clients made (our gateway's count; bucket4j's `RedisApi` "
                        + "calls: `GET` and `EVAL`).\n"
                        + "- **commands**: Redis' `INFO commandstats`, reset before each side (without the "
                        + "benchmark's own `INFO` and `CONFIG`): includes the commands scripts run inside Redis, "
                        + "which cost no round trip.\n"
                        + "- **most in 1 s**: the most admissions in any interval of 1 s, from each admission's "
                        + "timestamp; **over** is that minus the limit.\n\n");
        md.append("| side | clients per replica | admitted | per second | round trips | per admitted | commands "
                + "| per admitted | most in 1 s | over |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            int admitted = r.run().admissions().length;
            int most = mostWithin(r.run().admissions(), SECOND);
            md.append("| ").append(r.name()).append(" | ").append(r.clients()).append(" | ").append(admitted)
                    .append(" | ").append(String.format("%.1f", admitted / (double) r.seconds()))
                    .append(" | ").append(r.run().roundTrips())
                    .append(" | ").append(String.format("%.3f", r.run().roundTrips() / (double) Math.max(1, admitted)))
                    .append(" | ").append(r.commands())
                    .append(" | ").append(String.format("%.3f", r.commands() / (double) Math.max(1, admitted)))
                    .append(" | ").append(most).append(" | ").append(Math.max(0, most - limit)).append(" |\n");
        }
        md.append("\nCommands by name, and admissions per second (first to last):\n\n");
        for (Result r : results) {
            md.append("- ").append(r.name()).append(", ").append(r.clients()).append(" clients: ")
                    .append(r.calls().toString().replace("{", "`").replace("}", "`").replace(", ", "`, `"))
                    .append("; ").append(Arrays.toString(perSecond(r.run().admissions()))).append('\n');
        }
        return md.toString();
    }

    private static long[] perSecond(long[] sorted) {
        if (sorted.length == 0) {
            return new long[0];
        }
        long[] counts = new long[(int) ((sorted[sorted.length - 1] - sorted[0]) / SECOND) + 1];
        for (long t : sorted) {
            counts[(int) ((t - sorted[0]) / SECOND)]++;
        }
        return counts;
    }
}

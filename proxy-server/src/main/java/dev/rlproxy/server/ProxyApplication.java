package dev.rlproxy.server;

import dev.rlproxy.core.config.ListenerTlsConfig;
import dev.rlproxy.core.config.ProxyConfig;
import dev.rlproxy.core.config.ServerConfig;
import dev.rlproxy.core.limit.LimiterSettings;
import dev.rlproxy.core.limit.LocalRateLimiter;
import dev.rlproxy.core.limit.RateLimiter;
import dev.rlproxy.core.store.LocalUsageStore;
import dev.rlproxy.core.store.UsageStore;
import dev.rlproxy.core.usage.UpstreamQuotas;
import dev.rlproxy.core.usage.UsageMeter;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.time.Scheduler;
import dev.rlproxy.server.proxy.ClientLimits;
import dev.rlproxy.core.tokens.TokenPool;
import dev.rlproxy.core.tokens.TokenState;
import com.codahale.metrics.MetricRegistry;
import dev.rlproxy.server.metrics.DropwizardStoreMetrics;
import dev.rlproxy.server.metrics.ProxyTelemetry;
import dev.rlproxy.server.store.StoreBackend;
import dev.rlproxy.server.store.RedisUsageStore;
import dev.rlproxy.server.proxy.EventLoopScheduler;
import dev.rlproxy.server.proxy.ProxyRuntime;
import dev.rlproxy.server.proxy.ProxyServer;
import dev.rlproxy.server.proxy.QueueDepths;
import dev.rlproxy.server.proxy.Route;
import dev.rlproxy.server.proxy.Router;
import dev.rlproxy.server.proxy.Upstream;
import dev.rlproxy.server.tls.ListenerCertificates;
import dev.rlproxy.server.tls.ListenerContexts;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The assembled proxy: event loops, the shared store, the limiter, one {@link Upstream} per
 * configured upstream, the router and the listener, built from a validated {@link ProxyConfig}. A
 * {@linkplain #reload reload} rebuilds upstreams ({@link LiveUpstreams}) and swaps the routes
 * ({@code RoutingTable}) while requests keep flowing.
 */
public final class ProxyApplication implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProxyApplication.class);

    /** Bodies up to this size are held so a throttled request can be sent again with another token. */
    static final long REPLAY_BUFFER_BYTES = 1024 * 1024;
    static final Duration RESET_MARGIN = Duration.ofMillis(500);
    /** How often listener certificate files are checked for a rotation. */
    public static final Duration CERTIFICATE_POLL = Duration.ofSeconds(5);
    /** How long shutdown waits for the last flush of quota usage. */
    static final Duration USAGE_FLUSH_AT_SHUTDOWN = Duration.ofSeconds(5);

    private final EventLoopGroup workers;
    /** A plain thread for blocking chores (token file polling), kept off the event loops. */
    private final EventExecutor chores;
    private final ProxyServer server;
    private final RateLimiter limiter;
    private final LiveUpstreams upstreams;
    private final Retirements retirements;
    private final UpstreamFactory factory;
    private final ProxyTelemetry telemetry;
    private final ProxyRuntime runtime;
    /** Where files (tokens, certificates) are checked for changes. */
    private final Scheduler filePolls;
    private final StoreBackend store;
    /** What the proxy started with: the keys only a restart applies are compared with it. */
    private final ProxyConfig started;
    private final Duration limiterMaxResetWait;
    /** The configuration in force (the last one loaded; keys needing a restart are as {@link #started}). */
    /** Quota usage of every upstream, flushed to the store on an interval and at shutdown. */
    private final UsageMeter usage;
    private volatile ProxyConfig config;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private ProxyApplication(EventLoopGroup workers, EventExecutor chores, ProxyServer server, RateLimiter limiter,
                             LiveUpstreams upstreams, Retirements retirements, UpstreamFactory factory,
                             ProxyConfig config, ProxyTelemetry telemetry, ProxyRuntime runtime, Scheduler filePolls,
                             StoreBackend store, UsageMeter usage) {
        this.filePolls = filePolls;
        this.store = store;
        this.usage = usage;
        this.telemetry = telemetry;
        this.runtime = runtime;
        this.workers = workers;
        this.chores = chores;
        this.server = server;
        this.limiter = limiter;
        this.upstreams = upstreams;
        this.retirements = retirements;
        this.factory = factory;
        this.started = config;
        this.limiterMaxResetWait = longestMaxResetWait(config);
        this.config = config;
    }

    public static ProxyApplication start(ProxyConfig config) throws InterruptedException {
        return start(config, Clock.system());
    }

    public static ProxyApplication start(ProxyConfig config, Clock clock) throws InterruptedException {
        return start(config, clock, null, System.getenv());
    }

    /**
     * @param filePolls   where token and certificate files are checked for changes; null for a
     *                    thread of the proxy's own (a test passes a manual scheduler)
     * @param environment the process environment ({@code egressProxy: env} reads it)
     */
    public static ProxyApplication start(ProxyConfig config, Clock clock, Scheduler filePolls,
                                         Map<String, String> environment) throws InterruptedException {
        Transport transport = Transport.detect();
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(Transport.eventLoops(), transport.ioHandlers());
        EventExecutor chores = new DefaultEventExecutor(new DefaultThreadFactory("rlproxy-chores", true));
        StoreBackend store = null;
        try {
            EventLoopScheduler scheduler = new EventLoopScheduler(workers.next());
            MetricRegistry registry = new MetricRegistry();
            store = StoreBackend.open(config.store(), clock, scheduler, new DropwizardStoreMetrics(registry));
            RateLimiter limiter = new LocalRateLimiter(clock, scheduler,
                    new LimiterSettings(config.queue().maxDepth(), RESET_MARGIN, longestMaxResetWait(config)),
                    store.sharedBuckets(), store.learnedWindows());
            EventLoopScheduler choreScheduler = new EventLoopScheduler(chores);
            Scheduler files = filePolls == null ? choreScheduler : filePolls;
            UpstreamFactory factory = new UpstreamFactory(clock, scheduler, files,
                    transport.clientChannel(), transport.datagramChannel(), config.server().trustForwardedHeaders(),
                    config.queue().maxDepth(), environment, store.credentials());
            UsageMeter usage = new UsageMeter(usageStore(config, store, chores, clock), clock);
            factory.meterUsageWith(usage);
            factory.sharePoolsWith(store.tokenPools());
            ProxyTelemetry telemetry = new ProxyTelemetry(registry, clock);
            telemetry.watchStore(store);
            ProxyRuntime runtime = new ProxyRuntime(new Router(List.of()), limiter, clock,
                    config.queue().maxWait().toNanos(), config.server().maxRequestBody().bytes(),
                    Math.min(REPLAY_BUFFER_BYTES, config.server().maxRequestBody().bytes()), telemetry.requestPath());
            Retirements retirements = new Retirements(runtime.draining(), choreScheduler);
            LiveUpstreams upstreams = LiveUpstreams.start(factory, workers, retirements, config.upstreams());
            usage.flushEvery(config.usage().flushInterval(), choreScheduler);
            telemetry.watch(runtime.draining()::inFlight, workers);
            applyRoutes(config, upstreams.current(), factory, telemetry, runtime, limiter);
            ProxyServer server = bind(config, runtime, workers, transport, listenerTls(config.server().tls(), files));
            log.info("proxy ready on port {} ({} transport) with upstreams {}", server.port(), transport.name(),
                    upstreams.current().keySet());
            return new ProxyApplication(workers, chores, server, limiter, upstreams, retirements, factory, config,
                    telemetry, runtime, files, store, usage);
        } catch (RuntimeException | InterruptedException e) {
            if (store != null) {
                store.close();
            }
            workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            chores.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Puts {@code config}'s routes over {@code upstreams} in force: metrics learn the routes first,
     * so a new route's first request is counted under its own name.
     */
    private static void applyRoutes(ProxyConfig config, Map<String, Upstream> upstreams, UpstreamFactory factory,
                              ProxyTelemetry telemetry, ProxyRuntime runtime, RateLimiter limiter) {
        List<Route> routes = new ArrayList<>();
        for (var route : config.routes()) {
            routes.add(factory.route(route, route.upstreams().stream().map(upstreams::get).toList(),
                    config.server().publicUrl()));
        }
        Map<String, String> routeUpstreams = new LinkedHashMap<>();
        routes.forEach(route -> routeUpstreams.putIfAbsent(route.label(), route.upstream().name()));
        Map<String, TokenPool> pools = new LinkedHashMap<>();
        Map<String, UpstreamQuotas> quotas = new LinkedHashMap<>();
        upstreams.forEach((name, upstream) -> {
            if (upstream.tokens() != null) {
                pools.put(name, upstream.tokens());
            }
            quotas.put(name, upstream.quotas());
        });
        telemetry.configure(routeUpstreams, pools, config.upstreams(), limiter, runtime.queues());
        telemetry.watchQuotas(quotas);
        runtime.routing().replace(new Router(routes), config.queue().maxWait().toNanos());
    }

    /**
     * Where quota usage totals are kept: shared by every replica in Redis, or in memory and the
     * state file beside the configuration (written on the chores thread).
     */
    private static UsageStore usageStore(ProxyConfig config, StoreBackend store, EventExecutor chores, Clock clock) {
        return store.redis().<UsageStore>map(RedisUsageStore::new)
                .orElseGet(() -> new LocalUsageStore(config.usage().stateFile(), chores, clock));
    }

    private static ClientLimits clientLimits(ServerConfig server) {
        return new ClientLimits(server.headerTimeout(), server.idleTimeout(), server.bodyTimeout(),
                ProxyServer.effectiveMaxConnections(server.maxConnections()), server.maxConnectionsPerClient());
    }

    /**
     * The limiter is shared by all upstreams; each upstream's own bound is applied to its answers
     * before they reach it, so the limiter's own bound is only a backstop and must not be tighter.
     */
    private static Duration longestMaxResetWait(ProxyConfig config) {
        return config.upstreams().values().stream().map(u -> u.maxResetWait())
                .max(Duration::compareTo).orElse(LimiterSettings.DEFAULT_MAX_RESET_WAIT);
    }

    /** The listener's TLS context, its files checked for rotation on {@code files}; null without {@code server.tls}. */
    private static SslContext listenerTls(ListenerTlsConfig tls, Scheduler files) {
        if (tls == null) {
            return null;
        }
        ListenerCertificates certificates = ListenerCertificates.load("server.tls", tls);
        certificates.watch(files, CERTIFICATE_POLL);
        return ListenerContexts.netty(certificates);
    }

    private static ProxyServer bind(ProxyConfig config, ProxyRuntime runtime, EventLoopGroup workers,
                                    Transport transport, SslContext tls) throws InterruptedException {
        try {
            return ProxyServer.start(config.server().listen().host(), config.server().listen().port(),
                    runtime, clientLimits(config.server()), workers, transport.serverChannel(), tls);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // Netty rethrows the bind failure undeclared
            if (ListenFailedException.isBindFailure(e)) {
                throw new ListenFailedException("proxy listener", config.server().listen().toString(), e);
            }
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    public RateLimiter limiter() {
        return limiter;
    }

    /** Requests waiting for a token or a ticket right now. */
    public long waitingRequests() {
        long waiting = limiter.queueDepth();
        for (Upstream upstream : upstreams.current().values()) {
            if (upstream.tokens() != null) {
                waiting += upstream.tokens().waitingCheckouts();
            }
        }
        return waiting;
    }

    /** The upstreams in force, in configuration order. */
    public Map<String, Upstream> upstreams() {
        return upstreams.current();
    }

    /** Requests waiting for a token or ticket, per upstream. */
    public QueueDepths queues() {
        return runtime.queues();
    }

    /**
     * Applies a changed, already validated configuration while running: routes, upstreams (added,
     * changed or removed), their buckets, quotas (counts kept), dialects, retries, timeouts and token sets, and
     * {@code queue.maxWait}. Requests in progress finish on the routes and upstreams they started
     * with; buckets whose key is unchanged keep their state (a changed limit is reconciled under the
     * bucket's lock on its next use), removed ones are forgotten once idle. What only a restart can
     * apply is logged and returned.
     *
     * @return the changed keys not applied, each waiting for a restart (e.g. {@code server.listen})
     */
    public synchronized List<String> reload(ProxyConfig changed) {
        Map<String, Upstream> next = upstreams.apply(config.upstreams(), changed.upstreams());
        applyRoutes(changed, next, factory, telemetry, runtime, limiter);
        config = changed;
        List<String> notApplied = RestartRequiredChanges.between(started, changed, limiterMaxResetWait);
        log.info("configuration reloaded: {} routes, upstreams {}", changed.routes().size(), next.keySet());
        if (!notApplied.isEmpty()) {
            log.warn("configuration changes not applied, they take effect only after a restart: {}", notApplied);
        }
        return notApplied;
    }

    /** Where files are checked for changes: the admin listener's certificates too. */
    public Scheduler filePolls() {
        return filePolls;
    }

    /** The shared store (memory, or Redis through its gateway). */
    public StoreBackend store() {
        return store;
    }

    public ProxyTelemetry telemetry() {
        return telemetry;
    }

    public ProxyConfig config() {
        return config;
    }

    /** Whether graceful shutdown has begun (readiness turns false at once). */
    public boolean shuttingDown() {
        return runtime.draining().started();
    }

    /** Upstreams with a token pool but no token that is in service (active or waiting for its reset). */
    public List<String> upstreamsWithoutUsableToken() {
        List<String> without = new ArrayList<>();
        upstreams.current().forEach((name, upstream) -> {
            TokenPool pool = upstream.tokens();
            if (pool != null && pool.status().stream()
                    .noneMatch(t -> t.state() == TokenState.ACTIVE || t.state() == TokenState.SPENT)) {
                without.add(name);
            }
        });
        return without;
    }

    /**
     * Graceful shutdown: readiness turns false, requests still waiting for a token or ticket get the
     * proxy's 503 {@code shutting_down}, the listener stops accepting, requests already sent finish
     * within {@code server.drainTimeout}; then everything is released.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long queued = waitingRequests();
        int live = runtime.draining().begin();
        Duration drain = config.server().drainTimeout();
        log.info("shutting down: {} requests in progress ({} waiting for admission get 503 shutting_down); "
                + "draining for up to {} ms", live, queued, drain.toMillis());
        server.stop(drain);
        log.info("drained: {} of {} requests in progress finished or were answered", live - runtime.draining().inFlight(), live);
        usage.close(USAGE_FLUSH_AT_SHUTDOWN);
        retirements.close();
        upstreams.current().values().forEach(u -> {
            u.connections().close();
            if (u.tokens() != null) {
                u.tokens().close();
            }
        });
        factory.close();
        store.close();
        workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        chores.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }
}

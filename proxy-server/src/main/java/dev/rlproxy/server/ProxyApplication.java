package dev.rlproxy.server;

import dev.rlproxy.core.config.ProxyConfig;
import dev.rlproxy.core.config.ServerConfig;
import dev.rlproxy.core.config.StoreType;
import dev.rlproxy.core.limit.LimiterSettings;
import dev.rlproxy.core.limit.LocalRateLimiter;
import dev.rlproxy.core.limit.RateLimiter;
import dev.rlproxy.core.store.LocalUsageStore;
import dev.rlproxy.core.store.UsageStore;
import dev.rlproxy.core.usage.UpstreamQuotas;
import dev.rlproxy.core.usage.UsageMeter;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.server.proxy.ClientLimits;
import dev.rlproxy.core.tokens.TokenPool;
import dev.rlproxy.core.tokens.TokenState;
import dev.rlproxy.server.metrics.ProxyTelemetry;
import dev.rlproxy.server.proxy.EventLoopScheduler;
import dev.rlproxy.server.proxy.ProxyRuntime;
import dev.rlproxy.server.proxy.ProxyServer;
import dev.rlproxy.server.proxy.Route;
import dev.rlproxy.server.proxy.Router;
import dev.rlproxy.server.proxy.Upstream;
import io.netty.channel.EventLoopGroup;
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
 * The assembled proxy: event loops, the limiter, one {@link Upstream} per configured upstream,
 * the router and the listener, built from a validated {@link ProxyConfig}.
 */
public final class ProxyApplication implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProxyApplication.class);

    /** Bodies up to this size are held so a throttled request can be sent again with another token. */
    static final long REPLAY_BUFFER_BYTES = 1024 * 1024;
    static final Duration RESET_MARGIN = Duration.ofMillis(500);
    /** How long shutdown waits for the last flush of quota usage. */
    static final Duration USAGE_FLUSH_AT_SHUTDOWN = Duration.ofSeconds(5);

    private final EventLoopGroup workers;
    /** A plain thread for blocking chores (token file polling), kept off the event loops. */
    private final EventExecutor chores;
    private final ProxyServer server;
    private final RateLimiter limiter;
    private final Map<String, Upstream> upstreams;
    private final UpstreamFactory factory;
    private final ProxyTelemetry telemetry;
    private final ProxyRuntime runtime;
    /** Quota usage of every upstream, flushed to the store on an interval and at shutdown. */
    private final UsageMeter usage;
    private volatile ProxyConfig config;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private ProxyApplication(EventLoopGroup workers, EventExecutor chores, ProxyServer server, RateLimiter limiter,
                             Map<String, Upstream> upstreams, UpstreamFactory factory, ProxyConfig config,
                             ProxyTelemetry telemetry, ProxyRuntime runtime, UsageMeter usage) {
        this.usage = usage;
        this.telemetry = telemetry;
        this.runtime = runtime;
        this.workers = workers;
        this.chores = chores;
        this.server = server;
        this.limiter = limiter;
        this.upstreams = upstreams;
        this.factory = factory;
        this.config = config;
    }

    public static ProxyApplication start(ProxyConfig config) throws InterruptedException {
        return start(config, Clock.system());
    }

    public static ProxyApplication start(ProxyConfig config, Clock clock) throws InterruptedException {
        if (config.store().type() == StoreType.REDIS) {
            // Running several replicas on private in-memory state would multiply every limit.
            throw new UnsupportedConfigurationException("store.type: redis is not available in this version; "
                    + "use store.type: memory and run a single replica");
        }
        Transport transport = Transport.detect();
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(transport.ioHandlers());
        EventExecutor chores = new DefaultEventExecutor(new DefaultThreadFactory("rlproxy-chores", true));
        try {
            EventLoopScheduler scheduler = new EventLoopScheduler(workers.next());
            RateLimiter limiter = new LocalRateLimiter(clock, scheduler,
                    new LimiterSettings(config.queue().maxDepth(), RESET_MARGIN, longestMaxResetWait(config)));
            UpstreamFactory factory = new UpstreamFactory(clock, scheduler, new EventLoopScheduler(chores),
                    transport.clientChannel(), transport.datagramChannel(), config.server().trustForwardedHeaders(),
                    config.queue().maxDepth());
            UsageMeter usage = new UsageMeter(usageStore(config, chores, clock), clock);
            Map<String, Upstream> upstreams = new LinkedHashMap<>();
            config.upstreams().forEach((name, upstream) ->
                    upstreams.put(name, factory.create(upstream, usage.configure(name, upstream.quotas()))));
            usage.flushEvery(config.usage().flushInterval(), new EventLoopScheduler(chores));
            upstreams.values().forEach(upstream -> upstream.connections().start(workers));
            List<Route> routes = new ArrayList<>();
            for (var route : config.routes()) {
                routes.add(factory.route(route, route.upstreams().stream().map(upstreams::get).toList(),
                        config.server().publicUrl()));
            }
            Map<String, TokenPool> pools = new LinkedHashMap<>();
            upstreams.forEach((name, upstream) -> {
                if (upstream.tokens() != null) {
                    pools.put(name, upstream.tokens());
                }
            });
            Map<String, String> routeUpstreams = new LinkedHashMap<>();
            routes.forEach(route -> routeUpstreams.putIfAbsent(route.label(), route.upstream().name()));
            ProxyTelemetry telemetry = new ProxyTelemetry(routeUpstreams, pools, clock);
            ProxyRuntime runtime = new ProxyRuntime(new Router(routes), limiter, clock,
                    config.queue().maxWait().toNanos(), config.server().maxRequestBody().bytes(),
                    Math.min(REPLAY_BUFFER_BYTES, config.server().maxRequestBody().bytes()), telemetry.requestPath());
            telemetry.watch(limiter, runtime.inFlight(), workers);
            telemetry.watchUpstreams(config.upstreams(), limiter);
            telemetry.watchQuotas(quotasOf(upstreams));
            ProxyServer server = bind(config, runtime, workers, transport);
            log.info("proxy ready on port {} ({} transport) with upstreams {}", server.port(), transport.name(),
                    upstreams.keySet());
            return new ProxyApplication(workers, chores, server, limiter, upstreams, factory, config, telemetry, runtime,
                    usage);
        } catch (RuntimeException | InterruptedException e) {
            workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            chores.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Where quota usage totals are kept: in memory, in the state file beside the configuration
     * (written on the chores thread). With {@code store.type: redis} this becomes
     * {@code new RedisUsageStore(gateway)}, shared by every replica.
     */
    private static UsageStore usageStore(ProxyConfig config, EventExecutor chores, Clock clock) {
        return new LocalUsageStore(config.usage().stateFile(), chores, clock);
    }

    private static Map<String, UpstreamQuotas> quotasOf(Map<String, Upstream> upstreams) {
        Map<String, UpstreamQuotas> quotas = new LinkedHashMap<>();
        upstreams.forEach((name, upstream) -> quotas.put(name, upstream.quotas()));
        return quotas;
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

    private static ProxyServer bind(ProxyConfig config, ProxyRuntime runtime, EventLoopGroup workers,
                                    Transport transport) throws InterruptedException {
        try {
            return ProxyServer.start(config.server().listen().host(), config.server().listen().port(),
                    runtime, clientLimits(config.server()), workers, transport.serverChannel());
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
        for (Upstream upstream : upstreams.values()) {
            if (upstream.tokens() != null) {
                waiting += upstream.tokens().waitingCheckouts();
            }
        }
        return waiting;
    }

    public Map<String, Upstream> upstreams() {
        return upstreams;
    }

    /**
     * Applies a changed, already validated configuration while running. Token sets are made to
     * equal the new configuration at once (new tokens join, removed ones retire once their
     * in-flight requests finish). Other changes take effect on restart; they are logged as such.
     */
    public synchronized void reload(ProxyConfig changed) {
        changed.upstreams().forEach((name, upstreamConfig) -> {
            Upstream running = upstreams.get(name);
            if (running != null && running.tokens() != null && upstreamConfig.tokens() != null) {
                running.tokens().reconcile(factory.tokenSources(upstreamConfig));
                log.info("upstream '{}': token pool reconciled with the reloaded configuration", name);
            }
        });
        changed.upstreams().forEach((name, upstreamConfig) -> {
            if (upstreams.containsKey(name)) {
                usage.configure(name, upstreamConfig.quotas()); // counts are kept: they are not per configuration
            }
        });
        telemetry.watchQuotas(quotasOf(upstreams));
        List<String> needRestart = RestartRequiredChanges.between(config, changed);
        if (!needRestart.isEmpty()) {
            log.warn("configuration changes that take effect only after a restart: {}", needRestart);
        }
        config = changed;
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
        upstreams.forEach((name, upstream) -> {
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
        log.info("drained: {} of {} requests in progress finished or were answered", live - runtime.inFlight().get(), live);
        usage.close(USAGE_FLUSH_AT_SHUTDOWN);
        upstreams.values().forEach(u -> {
            u.connections().close();
            if (u.tokens() != null) {
                u.tokens().close();
            }
        });
        factory.close();
        workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        chores.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }
}

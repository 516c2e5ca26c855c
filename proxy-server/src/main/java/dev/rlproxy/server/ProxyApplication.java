package dev.rlproxy.server;

import dev.rlproxy.core.config.ProxyConfig;
import dev.rlproxy.core.config.StoreType;
import dev.rlproxy.core.limit.Clock;
import dev.rlproxy.core.limit.LimiterSettings;
import dev.rlproxy.core.limit.LocalRateLimiter;
import dev.rlproxy.core.limit.RateLimiter;
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

    private final EventLoopGroup workers;
    /** A plain thread for blocking chores (token file polling), kept off the event loops. */
    private final EventExecutor chores;
    private final ProxyServer server;
    private final RateLimiter limiter;
    private final Map<String, Upstream> upstreams;
    private final UpstreamFactory factory;
    private ProxyConfig config;

    private ProxyApplication(EventLoopGroup workers, EventExecutor chores, ProxyServer server, RateLimiter limiter,
                             Map<String, Upstream> upstreams, UpstreamFactory factory, ProxyConfig config) {
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
                    new LimiterSettings(config.queue().maxDepth(), RESET_MARGIN));
            UpstreamFactory factory = new UpstreamFactory(clock, scheduler, new EventLoopScheduler(chores),
                    transport.clientChannel());
            Map<String, Upstream> upstreams = new LinkedHashMap<>();
            config.upstreams().forEach((name, upstream) -> upstreams.put(name, factory.create(upstream)));
            upstreams.values().forEach(upstream -> upstream.connections().start(workers));
            List<Route> routes = new ArrayList<>();
            for (var route : config.routes()) {
                routes.add(factory.route(route, upstreams.get(route.upstream())));
            }
            ProxyRuntime runtime = new ProxyRuntime(new Router(routes), limiter, clock,
                    config.queue().maxWait().toNanos(), config.server().maxRequestBody().bytes(),
                    Math.min(REPLAY_BUFFER_BYTES, config.server().maxRequestBody().bytes()));
            ProxyServer server = ProxyServer.start(config.server().listen().host(), config.server().listen().port(),
                    runtime, workers, transport.serverChannel());
            log.info("proxy ready on port {} ({} transport) with upstreams {}", server.port(), transport.name(),
                    upstreams.keySet());
            return new ProxyApplication(workers, chores, server, limiter, upstreams, factory, config);
        } catch (RuntimeException | InterruptedException e) {
            workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            chores.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
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
                running.tokens().reconcile(factory.tokenSources(name, upstreamConfig.tokens()));
                log.info("upstream '{}': token pool reconciled with the reloaded configuration", name);
            }
        });
        List<String> needRestart = RestartRequiredChanges.between(config, changed);
        if (!needRestart.isEmpty()) {
            log.warn("configuration changes that take effect only after a restart: {}", needRestart);
        }
        config = changed;
    }

    /** Stops accepting, drains in-flight exchanges (up to 10 s), then releases everything. */
    @Override
    public void close() {
        server.stop(Duration.ofSeconds(10));
        upstreams.values().forEach(u -> {
            u.connections().close();
            if (u.tokens() != null) {
                u.tokens().close();
            }
        });
        workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        chores.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }
}

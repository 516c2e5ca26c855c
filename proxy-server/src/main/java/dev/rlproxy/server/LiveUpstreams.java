package dev.rlproxy.server;

import dev.rlproxy.core.config.TokensConfig;
import dev.rlproxy.core.config.UpstreamConfig;
import dev.rlproxy.core.tokens.TokenPool;
import dev.rlproxy.core.tokens.TokenSource;
import dev.rlproxy.server.proxy.Upstream;
import dev.rlproxy.server.upstream.UpstreamConnections;
import io.netty.channel.EventLoopGroup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The running upstreams by name, and how a reloaded configuration changes them. Each reload builds
 * new {@link Upstream} records (buckets, retries, timeouts, token injection as configured now) over
 * what can be kept:
 * <ul>
 *   <li>the connection pool, unless {@code url}, {@code connectTimeout}, {@code responseTimeout}, {@code tls}, {@code egressProxy} or
 *       {@code pool} changed: then a new one starts and the old one is retired;</li>
 *   <li>the token pool with its accounting, reconciled with the token sources named now, unless
 *       {@code tokens.defaultLimit}, {@code tokens.resetInterval} or {@code maxResetWait} changed,
 *       or the upstream gained or lost its tokens: then a new pool replaces it (the limiter's
 *       learned buckets, kept by token fingerprint, still hold back a token the new pool thinks
 *       fresh);</li>
 *   <li>the header dialect, unless {@code dialect}, {@code custom} or {@code maxResetWait} changed.</li>
 * </ul>
 * An upstream no longer configured is retired whole. Retired pools close once the requests that
 * began before the reload have finished ({@link Retirements}).
 */
final class LiveUpstreams {

    private final UpstreamFactory factory;
    private final EventLoopGroup workers;
    private final Retirements retirements;
    private volatile Map<String, Upstream> byName;

    private LiveUpstreams(UpstreamFactory factory, EventLoopGroup workers, Retirements retirements,
                          Map<String, Upstream> byName) {
        this.factory = factory;
        this.workers = workers;
        this.retirements = retirements;
        this.byName = byName;
    }

    /** Builds and starts every configured upstream. */
    static LiveUpstreams start(UpstreamFactory factory, EventLoopGroup workers, Retirements retirements,
                               Map<String, UpstreamConfig> configs) {
        Map<String, Upstream> byName = new LinkedHashMap<>();
        configs.forEach((name, config) -> byName.put(name, started(factory.create(config), workers)));
        return new LiveUpstreams(factory, workers, retirements, Collections.unmodifiableMap(byName));
    }

    /** The upstreams in force, in configuration order. */
    Map<String, Upstream> current() {
        return byName;
    }

    /**
     * Makes the upstreams equal {@code changed}, keeping connections and token pools where their
     * settings are unchanged. Everything new is built first; only when all of it stands are kept
     * pools reconciled, replaced ones retired and the new set put in force, so a reload that fails
     * half-way (a token source that cannot start, say) leaves the running upstreams as they were.
     * Call from one thread at a time.
     *
     * @param running the configurations the current upstreams were built from
     * @return the upstreams in force from now on
     */
    Map<String, Upstream> apply(Map<String, UpstreamConfig> running, Map<String, UpstreamConfig> changed) {
        Map<String, Upstream> before = byName;
        Map<String, Upstream> next = new LinkedHashMap<>();
        List<Runnable> commit = new ArrayList<>();
        List<Runnable> undo = new ArrayList<>();
        try {
            changed.forEach((name, config) -> {
                Upstream old = before.get(name);
                next.put(name, old == null ? created(config, undo) : rebuilt(old, running.get(name), config, commit, undo));
            });
        } catch (RuntimeException e) {
            undo.forEach(Runnable::run);
            throw e;
        }
        before.forEach((name, old) -> {
            if (!next.containsKey(name)) {
                commit.add(() -> retireConnections(old));
                commit.add(() -> retireTokens(old));
            }
        });
        commit.forEach(Runnable::run);
        byName = Collections.unmodifiableMap(next);
        return byName;
    }

    private Upstream created(UpstreamConfig config, List<Runnable> undo) {
        Upstream upstream = factory.create(config);
        undo.add(() -> close(upstream.connections(), upstream.tokens()));
        return started(upstream, workers);
    }

    private Upstream rebuilt(Upstream old, UpstreamConfig was, UpstreamConfig now, List<Runnable> commit,
                             List<Runnable> undo) {
        UpstreamConnections connections = old.connections();
        if (!sameConnections(was, now)) {
            UpstreamConnections fresh = factory.connections(now);
            undo.add(fresh::close);
            fresh.start(workers);
            connections = fresh;
            commit.add(() -> retireConnections(old));
        }
        TokenPool tokens = old.tokens();
        if (tokens != null && samePoolSettings(was, now)) {
            List<TokenSource> sources = factory.tokenSources(now);
            TokenPool kept = tokens;
            commit.add(() -> kept.reconcile(sources));
        } else {
            commit.add(() -> retireTokens(old));
            tokens = now.tokens() == null ? null : factory.pool(now);
            if (tokens != null) {
                undo.add(tokens::close);
            }
        }
        // The same dialect keeps its once-per-upstream warning about absurd values from repeating.
        boolean sameDialect = was.dialect().equals(now.dialect()) && Objects.equals(was.custom(), now.custom())
                && was.maxResetWait().equals(now.maxResetWait());
        return factory.upstream(now, connections, tokens, sameDialect ? old.dialect() : factory.boundedDialect(now));
    }

    private static void close(UpstreamConnections connections, TokenPool tokens) {
        connections.close();
        if (tokens != null) {
            tokens.close();
        }
    }

    private void retireConnections(Upstream old) {
        UpstreamConnections connections = old.connections();
        retirements.retire("connections to upstream '" + old.name() + "'",
                upstream -> upstream.connections() == connections, connections::close);
    }

    private void retireTokens(Upstream old) {
        TokenPool tokens = old.tokens();
        if (tokens != null) {
            retirements.retire("token pool of upstream '" + old.name() + "'",
                    upstream -> upstream.tokens() == tokens, tokens::close);
        }
    }

    private static boolean sameConnections(UpstreamConfig a, UpstreamConfig b) {
        return a.url().equals(b.url()) && a.connectTimeout().equals(b.connectTimeout())
                && a.responseTimeout().equals(b.responseTimeout()) && a.pool().equals(b.pool())
                && Objects.equals(a.tls(), b.tls()) && Objects.equals(a.egressProxy(), b.egressProxy())
                && a.http2() == b.http2();
    }

    /** Both have tokens, and the pool was set up with what is configured now. */
    private static boolean samePoolSettings(UpstreamConfig a, UpstreamConfig b) {
        TokensConfig ta = a.tokens();
        TokensConfig tb = b.tokens();
        return ta != null && tb != null && Objects.equals(ta.defaultLimit(), tb.defaultLimit())
                && Objects.equals(ta.resetInterval(), tb.resetInterval()) && a.maxResetWait().equals(b.maxResetWait());
    }

    private static Upstream started(Upstream upstream, EventLoopGroup workers) {
        upstream.connections().start(workers);
        return upstream;
    }
}

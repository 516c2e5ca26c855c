package dev.rlproxy.server.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.tokens.TokenPool;
import dev.rlproxy.core.tokens.TokenState;
import dev.rlproxy.core.tokens.TokenStatus;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-token gauges (remaining, limit, seconds to reset, quarantined) labelled by fingerprint, never
 * by token. Tokens come and go with reloads, so {@link #refresh()} runs before each scrape: it
 * snapshots every pool once, registers gauges for new tokens and removes those of departed ones
 * (a reload can add or remove whole pools too: {@link #watch}).
 */
public final class TokenGauges {

    private final MetricRegistry registry;
    private final Clock clock;
    private final Map<String, TokenStatus> latest = new ConcurrentHashMap<>();
    private volatile Map<String, TokenPool> pools = Map.of();

    public TokenGauges(MetricRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** The pools in force (at start, and after a reload that adds, replaces or removes one). */
    synchronized void watch(Map<String, TokenPool> pools) {
        this.pools = Map.copyOf(pools);
        registry.removeMatching((name, metric) -> name.startsWith(MetricNames.TOKEN_WAITING + "."));
        pools.forEach((upstream, pool) -> registry.gauge(MetricNames.TOKEN_WAITING + "." + upstream,
                () -> pool::waitingCheckouts));
    }

    public synchronized void refresh() {
        Set<String> seen = new HashSet<>();
        pools.forEach((upstream, pool) -> {
            for (TokenStatus token : pool.status()) {
                String key = upstream + "." + MetricNames.segment(token.fingerprint());
                seen.add(key);
                if (latest.put(key, token) == null) {
                    register(key);
                }
            }
        });
        for (String key : List.copyOf(latest.keySet())) {
            if (!seen.contains(key)) {
                latest.remove(key);
                for (String metric : List.of(MetricNames.TOKEN_REMAINING, MetricNames.TOKEN_LIMIT,
                        MetricNames.TOKEN_RESET, MetricNames.TOKEN_QUARANTINED)) {
                    registry.remove(metric + "." + key);
                }
            }
        }
    }

    private void register(String key) {
        registry.gauge(MetricNames.TOKEN_REMAINING + "." + key, () -> gauge(key, s -> s.remaining()));
        registry.gauge(MetricNames.TOKEN_LIMIT + "." + key, () -> gauge(key, s -> s.limit()));
        registry.gauge(MetricNames.TOKEN_RESET + "." + key, () -> gauge(key, this::secondsToReset));
        registry.gauge(MetricNames.TOKEN_QUARANTINED + "." + key,
                () -> gauge(key, s -> s.state() == TokenState.QUARANTINED ? 1 : 0));
    }

    private Gauge<Long> gauge(String key, java.util.function.ToLongFunction<TokenStatus> value) {
        return () -> {
            TokenStatus status = latest.get(key);
            return status == null ? -1L : value.applyAsLong(status);
        };
    }

    /** Seconds until the token's window resets, 0 once passed, -1 when unknown. */
    private long secondsToReset(TokenStatus status) {
        if (status.resetAt() == null) {
            return -1;
        }
        return Math.max(0, (status.resetAt().toEpochMilli() - clock.wallMillis() + 999) / 1000);
    }
}

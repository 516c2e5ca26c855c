package dev.rlproxy.server;

import dev.rlproxy.core.config.ProxyConfig;
import dev.rlproxy.core.config.UpstreamConfig;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which keys of a reloaded configuration the running proxy cannot apply in place, by key path
 * (e.g. {@code server.listen}), so the operator knows exactly what waits for a restart. Never shows
 * values. Everything else (routes, upstreams and their buckets, tokens, dialects, retries and
 * timeouts, quotas, {@code queue.maxWait}, {@code server.publicUrl}, {@code server.drainTimeout}) applies live.
 *
 * <p>These keys are set up once at start (listeners, the store, the limiter's queue and its bound
 * on reset waits), so they are compared with the configuration the proxy started with: a key that
 * still differs keeps being reported on every reload until the restart.
 */
final class RestartRequiredChanges {

    /** Server keys read per request or at shutdown, rather than fixed into the listener at start. */
    private static final Set<String> LIVE_SERVER_KEYS = Set.of("publicUrl", "drainTimeout");
    private static final Set<String> LIVE_QUEUE_KEYS = Set.of("maxWait");

    private RestartRequiredChanges() {
    }

    /**
     * @param started             the configuration the proxy started with
     * @param limiterMaxResetWait the limiter's bound on reset waits, fixed at start (the longest
     *                            {@code maxResetWait} then): a longer one would be cut short by it
     */
    static List<String> between(ProxyConfig started, ProxyConfig changed, Duration limiterMaxResetWait) {
        List<String> keys = new ArrayList<>();
        differingComponents(keys, "server", started.server(), changed.server(), LIVE_SERVER_KEYS);
        differingComponents(keys, "admin", started.admin(), changed.admin(), Set.of());
        differingComponents(keys, "store", started.store(), changed.store(), Set.of());
        differingComponents(keys, "queue", started.queue(), changed.queue(), LIVE_QUEUE_KEYS);
        differingComponents(keys, "usage", started.usage(), changed.usage(), Set.of());
        for (UpstreamConfig upstream : changed.upstreams().values()) {
            if (upstream.maxResetWait().compareTo(limiterMaxResetWait) > 0) {
                keys.add("upstreams." + upstream.name() + ".maxResetWait");
            }
        }
        return keys;
    }

    /** Adds {@code prefix.component} for each record component whose value differs. */
    private static void differingComponents(List<String> keys, String prefix, Record before, Record after,
                                            Set<String> live) {
        for (RecordComponent component : before.getClass().getRecordComponents()) {
            if (!live.contains(component.getName())
                    && !Objects.equals(value(component, before), value(component, after))) {
                keys.add(prefix + "." + component.getName());
            }
        }
    }

    private static Object value(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component.getName(), e);
        }
    }
}

package dev.rlproxy.server;

import dev.rlproxy.core.config.ProxyConfig;
import dev.rlproxy.core.config.TokensConfig;
import dev.rlproxy.core.config.UpstreamConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which parts of a reloaded configuration the running proxy cannot apply in place (everything but
 * token sets and quotas), named by key path so the operator knows a restart is needed. Never shows values.
 */
final class RestartRequiredChanges {

    private RestartRequiredChanges() {
    }

    static List<String> between(ProxyConfig running, ProxyConfig changed) {
        List<String> keys = new ArrayList<>();
        differs(keys, "server", running.server(), changed.server());
        differs(keys, "admin", running.admin(), changed.admin());
        differs(keys, "store", running.store(), changed.store());
        differs(keys, "queue", running.queue(), changed.queue());
        differs(keys, "routes", running.routes(), changed.routes());
        differs(keys, "usage", running.usage(), changed.usage());
        if (!running.upstreams().keySet().equals(changed.upstreams().keySet())) {
            keys.add("upstreams (added or removed)");
        }
        running.upstreams().forEach((name, before) -> {
            UpstreamConfig after = changed.upstreams().get(name);
            if (after != null && !withoutLiveSettings(before).equals(withoutLiveSettings(after))) {
                keys.add("upstreams." + name);
            }
        });
        return keys;
    }

    private static void differs(List<String> keys, String key, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            keys.add(key);
        }
    }

    /** The upstream with its token sources and quotas blanked out: those are applied in place. */
    private static UpstreamConfig withoutLiveSettings(UpstreamConfig c) {
        TokensConfig t = c.tokens();
        TokensConfig settingsOnly = t == null ? null
                : new TokensConfig(t.inject(), List.of("-"), null, null, null, null, t.defaultLimit(),
                        t.resetInterval());
        return new UpstreamConfig(c.name(), c.url(), c.dialect(), c.custom(), c.connectTimeout(),
                c.responseTimeout(), c.retry(), settingsOnly, c.buckets(), List.of(), c.windowMargin(),
                c.forwardedHeaders(), c.maxResetWait(), c.rewriteBodyUrls(), c.pool());
    }
}

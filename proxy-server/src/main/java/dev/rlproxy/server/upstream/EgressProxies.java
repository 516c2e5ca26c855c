package dev.rlproxy.server.upstream;

import dev.rlproxy.core.config.EgressProxy;
import dev.rlproxy.core.config.InvalidConfigException;

import java.util.Locale;
import java.util.Map;

/**
 * Which egress proxy, if any, an upstream's connections go through. A fixed proxy applies as
 * configured; {@code env} reads the environment as curl does: {@code https_proxy} or
 * {@code HTTPS_PROXY} for https upstreams, {@code http_proxy} for http ones (never upper-case
 * {@code HTTP_PROXY}, which a CGI request can set), unless {@code no_proxy} / {@code NO_PROXY}
 * lists the host.
 */
public final class EgressProxies {

    private EgressProxies() {
    }

    /**
     * @param configured the upstream's {@code egressProxy}, or null
     * @return the proxy to connect through, or null for a direct connection
     * @throws IllegalArgumentException when the environment's proxy URL does not read (the
     *                                  message names the variable, never its value)
     */
    public static EgressProxy select(EgressProxy configured, UpstreamTarget target, Map<String, String> env) {
        if (configured == null || !configured.fromEnvironment()) {
            return configured;
        }
        String variable = target.tls() ? firstSet(env, "https_proxy", "HTTPS_PROXY") : firstSet(env, "http_proxy");
        if (variable == null || NoProxy.parse(firstValue(env, "no_proxy", "NO_PROXY")).matches(target.host(),
                target.port())) {
            return null;
        }
        try {
            return EgressProxy.parseUrl(env.get(variable));
        } catch (InvalidConfigException e) {
            throw new IllegalArgumentException("upstream '" + target.name() + "': egressProxy: env: " + variable
                    + " " + e.getMessage(), e);
        }
    }

    private static String firstSet(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return name;
            }
        }
        return null;
    }

    private static String firstValue(Map<String, String> env, String... names) {
        String name = firstSet(env, names);
        return name == null ? "" : env.get(name).toLowerCase(Locale.ROOT);
    }
}

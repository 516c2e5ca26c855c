package dev.rlproxy.core.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;

/**
 * The whole configuration file. Every section but {@code upstreams} and {@code routes} is optional.
 * Load it with {@link ConfigLoader}; building it directly runs the same validation.
 *
 * @param upstreams by name, in file order
 * @param routes    in file order; each names an upstream
 * @param usage     how quota usage is metered and kept
 */
public record ProxyConfig(ServerConfig server, AdminConfig admin, StoreConfig store, QueueConfig queue,
                          @JsonDeserialize(using = UpstreamsDeserializer.class) Map<String, UpstreamConfig> upstreams,
                          List<RouteConfig> routes, UsageConfig usage) {

    public ProxyConfig {
        server = server == null ? ServerConfig.defaults() : server;
        admin = admin == null ? AdminConfig.defaults() : admin;
        store = store == null ? StoreConfig.defaults() : store;
        queue = queue == null ? QueueConfig.defaults() : queue;
        upstreams = upstreams == null ? Map.of() : upstreams;
        routes = routes == null ? List.of() : routes;
        usage = usage == null ? UsageConfig.defaults() : usage;
        Violations v = new Violations();
        v.check(!upstreams.isEmpty(), "upstreams", "at least one upstream is required");
        upstreams.forEach((name, upstream) -> v.check(upstream != null && upstream.name().equals(name),
                "upstreams." + name, "must be an upstream named '" + name + "'"));
        if (v.check(!routes.isEmpty(), "routes", "at least one route is required")) {
            checkRoutes(v, routes, upstreams);
        }
        v.throwIfAny();
        upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        routes = List.copyOf(routes);
    }

    /** A configuration with the default {@code usage} settings. */
    public ProxyConfig(ServerConfig server, AdminConfig admin, StoreConfig store, QueueConfig queue,
                       Map<String, UpstreamConfig> upstreams, List<RouteConfig> routes) {
        this(server, admin, store, queue, upstreams, routes, null);
    }

    /** This configuration read from {@code file}: the usage state file defaults to one beside it. */
    ProxyConfig readFrom(Path file) {
        return new ProxyConfig(server, admin, store, queue, upstreams, routes, usage.withDefaultStateFileBeside(file));
    }

    /** Every route must name a known upstream and match something no earlier route matches. */
    private static void checkRoutes(Violations v, List<RouteConfig> routes, Map<String, UpstreamConfig> upstreams) {
        Map<MatchConfig, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < routes.size(); i++) {
            RouteConfig route = routes.get(i);
            String key = "routes[" + i + "]";
            if (!v.check(route != null, key, "must not be empty")) {
                continue;
            }
            for (String upstream : route.upstreams()) {
                v.check(upstreams.containsKey(upstream), key + ".upstream",
                        "unknown upstream '" + upstream + "'" + knownUpstreams(upstream, upstreams));
            }
            Integer earlier = firstIndex.putIfAbsent(route.match(), i);
            v.check(earlier == null, key + ".match", "same match as routes[" + earlier + "]");
        }
    }

    private static String knownUpstreams(String typed, Map<String, UpstreamConfig> upstreams) {
        String suggestion = Suggestions.didYouMean(typed, upstreams.keySet());
        return suggestion.isEmpty() ? "; known: " + String.join(", ", new ArrayList<>(upstreams.keySet())) : suggestion;
    }
}

package dev.rlproxy.server.metrics;

import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.MapperConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The metric catalogue: Dropwizard names (labels as dotted segments) and how the Prometheus
 * bridge maps them to snake_case names with labels. Routes are named by their path prefix or host;
 * a host contains dots, which a Dropwizard name segment cannot, so each route gets a short id
 * ({@code r0}, {@code r1}…) in the Dropwizard name and one mapping that puts its real text in the
 * {@code route} label.
 */
public final class MetricNames {

    static final String REQUESTS = "rlproxy.requests";
    static final String PROXY_ANSWERS = "rlproxy.proxy_answers";
    static final String UPSTREAM_THROTTLED = "rlproxy.upstream_throttled";
    static final String TOKEN_RETRIES = "rlproxy.token_retries";
    static final String QUEUE_WAIT = "rlproxy.queue_wait_seconds";
    static final String UPSTREAM_LATENCY = "rlproxy.upstream_latency_seconds";
    static final String REQUEST_BYTES = "rlproxy.request_bytes";
    static final String RESPONSE_BYTES = "rlproxy.response_bytes";
    static final String TOKEN_CHECKOUTS = "rlproxy.token_checkouts";
    static final String TOKEN_REMAINING = "rlproxy.token_remaining";
    static final String TOKEN_LIMIT = "rlproxy.token_limit";
    static final String TOKEN_RESET = "rlproxy.token_reset_seconds";
    static final String TOKEN_QUARANTINED = "rlproxy.token_quarantined";
    static final String TOKEN_WAITING = "rlproxy.token_waiting_requests";
    static final String GRANT_TO_WRITE = "rlproxy.grant_to_write_seconds";
    static final String WINDOW_MARGIN = "rlproxy.window_margin_seconds";
    static final String CAP_IN_FLIGHT = "rlproxy.bucket_in_flight_requests";
    static final String CAP_BUSIEST = "rlproxy.bucket_in_flight_busiest_key";
    static final String CAP_MAX = "rlproxy.bucket_max_concurrent";
    static final String CAP_KEYS = "rlproxy.bucket_in_flight_keys";
    static final String STORE_ROUND_TRIPS = "rlproxy.store_round_trips";
    static final String STORE_FAILURES = "rlproxy.store_failures";
    static final String STORE_AVAILABLE = "rlproxy.store_available";
    static final String STORE_FALLBACK = "rlproxy.store_fallback_active";
    static final String QUEUE_DEPTH = "rlproxy.queue_depth";
    static final String QUOTA_USED = "rlproxy.quota_used";
    static final String QUOTA_LIMIT = "rlproxy.quota_limit";

    private static final Map<String, String> HELP = Map.ofEntries(
            Map.entry("rlproxy_requests", "Client requests answered, by upstream, route and status class"),
            Map.entry("rlproxy_proxy_answers", "Answers the proxy gave itself (not relayed), by reason"),
            Map.entry("rlproxy_upstream_throttled",
                    "Throttled answers from the upstream (429 or rate-limit headers); the proxy keeps this at zero"),
            Map.entry("rlproxy_token_retries", "Requests sent again with another token after a throttled or 401 answer"),
            Map.entry("rlproxy_queue_wait_seconds", "Time a request waited for its token and tickets"),
            Map.entry("rlproxy_upstream_latency_seconds", "From sending to the upstream until its response head"),
            Map.entry("rlproxy_request_bytes", "Request body bytes received from clients"),
            Map.entry("rlproxy_response_bytes", "Response body bytes relayed to clients"),
            Map.entry("rlproxy_token_checkouts", "Times a pooled token was checked out, by fingerprint"),
            Map.entry("rlproxy_token_remaining", "Calls the token has left in its window (-1 unknown)"),
            Map.entry("rlproxy_token_limit", "The token's calls per window (-1 unknown)"),
            Map.entry("rlproxy_token_reset_seconds", "Seconds until the token's window resets (-1 unknown)"),
            Map.entry("rlproxy_token_quarantined", "1 while the token is quarantined after a 401"),
            Map.entry("rlproxy_token_waiting_requests", "Requests waiting for a token of the upstream"),
            Map.entry("rlproxy_grant_to_write_seconds",
                    "From a request's ticket to its write to the upstream connection (pool acquire, connect, TLS)"),
            Map.entry("rlproxy_window_margin_seconds", "Margin added to every configured bucket's window (windowMargin)"),
            Map.entry("rlproxy_bucket_in_flight_requests", "Requests in flight under an in-flight cap, summed over its keys"),
            Map.entry("rlproxy_bucket_in_flight_busiest_key", "Requests in flight under the cap's busiest key"),
            Map.entry("rlproxy_bucket_max_concurrent", "The in-flight cap per key (maxConcurrent)"),
            Map.entry("rlproxy_bucket_in_flight_keys", "Keys (scope values) the in-flight cap tracks"),
            Map.entry("rlproxy_store_round_trips", "Calls sent to the shared store (Redis), answered or not"),
            Map.entry("rlproxy_store_failures",
                    "Store calls that failed: unreachable, timed out, refused for a full queue, or an error reply"),
            Map.entry("rlproxy_store_available", "1 while the shared store answers, 0 while its circuit is open"),
            Map.entry("rlproxy_store_fallback_active",
                    "1 while this replica runs in store.redis.onFailure's mode because Redis is unavailable"),
            Map.entry("rlproxy_quota_used", "The quota's count in its current day or month (a token quota: its most used token)"),
            Map.entry("rlproxy_quota_limit", "The quota's limit per period"),
            Map.entry("rlproxy_queue_depth", "Requests waiting for a token or a ticket of the upstream"),
            Map.entry("rlproxy_in_flight_requests", "Client requests in progress"),
            Map.entry("netty_eventloop_pending_tasks", "Tasks queued on the proxy's event loops"),
            Map.entry("netty_pooled_direct_memory_bytes", "Direct memory held by Netty's pooled allocator"),
            Map.entry("jvm_heap_used_bytes", "Heap in use"),
            Map.entry("jvm_heap_committed_bytes", "Heap committed by the JVM"),
            Map.entry("jvm_heap_max_bytes", "Largest heap the JVM may use"),
            Map.entry("jvm_nonheap_used_bytes", "Non-heap memory in use (metaspace, code cache)"),
            Map.entry("jvm_direct_buffers_used_bytes", "Memory used by direct byte buffers"),
            Map.entry("jvm_gc_collections", "Garbage collections since start (all collectors)"),
            Map.entry("jvm_gc_collection_seconds", "Time spent in garbage collection since start"),
            Map.entry("jvm_threads", "Live threads"));

    /** Help text for a Prometheus metric family, or {@code null} to keep the bridge's. */
    static String help(String prometheusName) {
        return HELP.get(prometheusName);
    }

    /** Upstream and route of a request that matched no route. */
    static final String NONE = "none";

    /** Every route label ever configured (a reload only adds), with its id; read by the request path. */
    private final Map<String, String> routeIds = new ConcurrentHashMap<>();
    /** The labels in the order they were first configured. */
    private final List<String> routeOrder = new CopyOnWriteArrayList<>();

    /**
     * Gives each new route label an id. Ids are never reused or dropped, so a route removed by a
     * reload keeps its counters under its own name.
     *
     * @param routeLabels the configured routes' labels, in configuration order
     */
    synchronized void addRoutes(List<String> routeLabels) {
        for (String label : routeLabels) {
            if (!routeIds.containsKey(label)) {
                routeIds.put(label, "r" + routeOrder.size());
                routeOrder.add(label);
            }
        }
    }

    /** How many route labels have an id: the label mapper must be rebuilt when this grows. */
    int routeCount() {
        return routeOrder.size();
    }

    /** The route's id in Dropwizard names; {@code none} for no route or a route not configured yet. */
    String routeId(String routeLabel) {
        return routeLabel == null ? NONE : routeIds.getOrDefault(routeLabel, NONE);
    }

    /** A label value as a name segment: upstream names and fingerprints never contain dots. */
    static String segment(String value) {
        return value == null || value.isEmpty() ? NONE : value.replace('.', '_');
    }

    /** How the Prometheus bridge names and labels each metric; first match wins. */
    CustomLabelMapper labelMapper() {
        List<MapperConfig> configs = new ArrayList<>();
        List<Map.Entry<String, String>> routes = new ArrayList<>();
        routeOrder.forEach(label -> routes.add(Map.entry(label, routeIds.get(label))));
        routes.add(Map.entry(NONE, NONE));
        for (Map.Entry<String, String> route : routes) {
            String id = route.getValue().equals(NONE) ? NONE : route.getValue();
            String label = route.getKey();
            configs.add(perRoute(REQUESTS, id, label, "status_class"));
            configs.add(perRoute(PROXY_ANSWERS, id, label, "reason"));
            configs.add(perRoute(UPSTREAM_THROTTLED, id, label, null));
            configs.add(perRoute(TOKEN_RETRIES, id, label, null));
            configs.add(perRoute(QUEUE_WAIT, id, label, null));
            configs.add(perRoute(UPSTREAM_LATENCY, id, label, null));
            configs.add(perRoute(REQUEST_BYTES, id, label, null));
            configs.add(perRoute(RESPONSE_BYTES, id, label, null));
        }
        for (String perToken : List.of(TOKEN_CHECKOUTS, TOKEN_REMAINING, TOKEN_LIMIT, TOKEN_RESET, TOKEN_QUARANTINED)) {
            configs.add(new MapperConfig(perToken + ".*.*", prometheusName(perToken),
                    Map.of("upstream", "${0}", "token", "${1}")));
        }
        for (String perUpstream : List.of(TOKEN_WAITING, GRANT_TO_WRITE, WINDOW_MARGIN, QUEUE_DEPTH)) {
            configs.add(new MapperConfig(perUpstream + ".*", prometheusName(perUpstream), Map.of("upstream", "${0}")));
        }
        for (String perCap : List.of(CAP_IN_FLIGHT, CAP_BUSIEST, CAP_MAX, CAP_KEYS)) {
            configs.add(new MapperConfig(perCap + ".*.*", prometheusName(perCap),
                    Map.of("upstream", "${0}", "bucket", "${1}")));
        }
        for (String perQuota : List.of(QUOTA_USED, QUOTA_LIMIT)) {
            configs.add(new MapperConfig(perQuota + ".*.*", prometheusName(perQuota),
                    Map.of("upstream", "${0}", "quota", "${1}")));
        }
        return new CustomLabelMapper(configs);
    }

    private static MapperConfig perRoute(String metric, String routeId, String routeLabel, String extraLabel) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("upstream", "${0}");
        labels.put("route", routeLabel);
        if (extraLabel != null) {
            labels.put(extraLabel, "${1}");
        }
        return new MapperConfig(metric + ".*." + routeId + (extraLabel != null ? ".*" : ""),
                prometheusName(metric), labels);
    }

    private static String prometheusName(String dropwizardName) {
        return dropwizardName.replace('.', '_');
    }
}

package dev.rlproxy.server.proxy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Graceful shutdown for the request path: knows the live exchanges, and once draining begins
 * answers every request still waiting for a token or ticket (and every new one) with the proxy's
 * 503 {@code shutting_down}, while requests already sent upstream finish.
 */
public final class Draining {

    private final Set<ProxyExchange> live = ConcurrentHashMap.newKeySet();
    private volatile boolean started;

    void add(ProxyExchange exchange) {
        live.add(exchange);
    }

    void remove(ProxyExchange exchange) {
        live.remove(exchange);
    }

    /** Whether any live exchange goes to an upstream matching {@code test} (a reload retires those last). */
    public boolean anyLive(Predicate<Upstream> test) {
        for (ProxyExchange exchange : live) {
            if (test.test(exchange.upstream())) {
                return true;
            }
        }
        return false;
    }

    public boolean started() {
        return started;
    }

    /** Starts draining; returns how many exchanges were live at that moment. */
    public int begin() {
        started = true;
        int count = live.size();
        live.forEach(ProxyExchange::shutdown);
        return count;
    }
}

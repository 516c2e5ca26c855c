package dev.rlproxy.server.proxy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

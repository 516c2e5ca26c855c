package dev.rlproxy.server.proxy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Graceful shutdown for the request path: knows the open client connections and what each is busy
 * with, and once draining begins answers every request still waiting for a token or ticket (and
 * every new one) with the proxy's 503 {@code shutting_down}, while requests already sent upstream
 * finish. Connections register once, not each request: a concurrent set insert and removal per
 * request cost more than the rest of this bookkeeping together.
 */
public final class Draining {

    /** A client connection as draining sees it; called from any thread. */
    interface Connection {
        /** The upstream of the exchange in progress, or null between exchanges. */
        Upstream busyWith();

        /** Answers the exchange in progress with 503 if it still waits for admission (on the connection's loop). */
        void shutdown();
    }

    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean started;

    void add(Connection connection) {
        connections.add(connection);
    }

    void remove(Connection connection) {
        connections.remove(connection);
    }

    /** Whether any live exchange goes to an upstream matching {@code test} (a reload retires those last). */
    public boolean anyLive(Predicate<Upstream> test) {
        for (Connection connection : connections) {
            Upstream upstream = connection.busyWith();
            if (upstream != null && test.test(upstream)) {
                return true;
            }
        }
        return false;
    }

    /** Exchanges started and not yet finished (graceful shutdown waits for 0); counted when asked, not kept per request. */
    public int inFlight() {
        int count = 0;
        for (Connection connection : connections) {
            if (connection.busyWith() != null) {
                count++;
            }
        }
        return count;
    }

    public boolean started() {
        return started;
    }

    /** Starts draining; returns how many exchanges were live at that moment. */
    public int begin() {
        started = true;
        int count = 0;
        for (Connection connection : connections) {
            if (connection.busyWith() != null) {
                count++;
                connection.shutdown();
            }
        }
        return count;
    }
}

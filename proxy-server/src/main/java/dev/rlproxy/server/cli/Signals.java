package dev.rlproxy.server.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Daemon signals: SIGHUP reloads the configuration; SIGTERM and SIGINT shut down gracefully. Handling
 * SIGTERM here, instead of only in a shutdown hook, lets the process drain and then exit 0 (a JVM that
 * dies of the signal exits 143).
 */
final class Signals {

    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    static void onHangup(Runnable action) {
        try {
            Signal.handle(new Signal("HUP"), signal -> {
                log.info("SIGHUP: reloading the configuration");
                action.run();
            });
        } catch (IllegalArgumentException e) {
            log.warn("SIGHUP is not available on this platform; reload with POST /reload instead");
        }
    }

    static void onTerminate(Runnable action) {
        for (String name : new String[]{"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    log.info("SIG{}: shutting down gracefully", name);
                    action.run();
                });
            } catch (IllegalArgumentException e) {
                log.debug("SIG{} cannot be handled here; the shutdown hook drains instead", name);
            }
        }
    }
}

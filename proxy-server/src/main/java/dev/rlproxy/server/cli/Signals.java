package dev.rlproxy.server.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** SIGHUP reloads the configuration, as operators expect of a daemon. */
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
}

package dev.rlproxy.server.proxy;

import dev.rlproxy.server.upstream.ConnectFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Whether a connect that failed before anything was sent (refused, reset, handshake timed out)
 * gets another try on a fresh connection: at most {@link #MAX_ATTEMPTS} per ticket, after a pause
 * of 100 ms times the attempts so far (a busy accept backlog needs a moment), and only within the
 * request's remaining max wait. Each failure is logged at WARN with the upstream's name.
 */
final class ConnectRetries {

    private static final Logger log = LoggerFactory.getLogger(ConnectRetries.class);
    static final int MAX_ATTEMPTS = 3;
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private int attempts;

    /** A new ticket: its connects are counted afresh. */
    void reset() {
        attempts = 0;
    }

    /** A connect for the current ticket starts. */
    void attempting() {
        attempts++;
    }

    /** The pause before trying again in nanos, or -1 when the failure stands. */
    long pauseBeforeRetry(String upstream, Throwable cause, long remainingWaitNanos) {
        if (!ConnectFailures.worthRetrying(cause)) {
            return -1;
        }
        long pause = PAUSE_NANOS * attempts;
        if (attempts < MAX_ATTEMPTS && remainingWaitNanos > pause) {
            log.warn("upstream '{}': connect failed before the request was sent ({}); trying a fresh connection ({} of {})",
                    upstream, cause.toString(), attempts + 1, MAX_ATTEMPTS);
            return pause;
        }
        log.warn("upstream '{}': connect failed before the request was sent ({}); giving up after {} attempt(s)",
                upstream, cause.toString(), attempts);
        return -1;
    }
}

package dev.rlproxy.server.simulator;

import com.github.tomakehurst.wiremock.common.Notifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WireMock's informational messages dump every request with its headers, tokens included, and
 * cost time under load: they are dropped. Errors go to SLF4J.
 */
final class ErrorsOnlyNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamSimulator.class);

    @Override
    public void info(String message) {
        // Deliberately silent: see the class comment.
    }

    @Override
    public void error(String message) {
        LOG.error("upstream simulator: {}", message);
    }

    @Override
    public void error(String message, Throwable cause) {
        LOG.error("upstream simulator: {}", message, cause);
    }
}

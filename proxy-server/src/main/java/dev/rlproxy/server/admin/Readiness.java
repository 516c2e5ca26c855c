package dev.rlproxy.server.admin;

import dev.rlproxy.server.ProxyApplication;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code /readyz}: the configuration is loaded (the application exists), shutdown has not begun,
 * every upstream with a token pool has at least one token in service, and the shared store is
 * reachable or its failure mode serves without it (local-share: ready, degraded; fail-closed: not ready).
 */
final class Readiness {

    private final ProxyApplication app;

    Readiness(ProxyApplication app) {
        this.app = app;
    }

    /** Why the proxy is not ready; empty when it is. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (app.shuttingDown()) {
            problems.add("shutting down");
        }
        app.store().notReadyReason().ifPresent(problems::add);
        for (String upstream : app.upstreamsWithoutUsableToken()) {
            problems.add("upstream '" + upstream + "' has no usable token");
        }
        return problems;
    }
}

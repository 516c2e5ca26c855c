package dev.rlproxy.core.config;

/**
 * Sends matching requests to an upstream.
 *
 * @param upstream the name of an upstream in {@code upstreams}
 * @param tokens   {@code pool} (default): attach a pooled token; {@code passthrough}: forward the
 *                 client's own credentials
 */
public record RouteConfig(MatchConfig match, String upstream, TokenMode tokens) {

    public RouteConfig {
        tokens = tokens == null ? TokenMode.POOL : tokens;
        Violations v = new Violations();
        v.check(match != null, "match", "required: { pathPrefix: \"/name/\" } or { host: \"api.example.com\" }");
        v.check(upstream != null && !upstream.isBlank(), "upstream", "required: the name of an upstream");
        v.throwIfAny();
    }
}

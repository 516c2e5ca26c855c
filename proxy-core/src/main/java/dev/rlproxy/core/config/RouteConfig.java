package dev.rlproxy.core.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.util.List;

/**
 * Sends matching requests to an upstream.
 *
 * @param upstreams YAML {@code upstream}: the name of an upstream in {@code upstreams}, or a list of
 *                  names in order of preference ({@code [primary, fallback]}): a request goes to the
 *                  first one whose quotas still allow it
 * @param tokens    {@code pool} (default): attach a pooled token; {@code passthrough}: forward the
 *                  client's own credentials
 */
public record RouteConfig(MatchConfig match,
                          @JsonProperty("upstream") @JsonDeserialize(using = UpstreamNamesDeserializer.class)
                          List<String> upstreams,
                          TokenMode tokens) {

    public RouteConfig {
        tokens = tokens == null ? TokenMode.POOL : tokens;
        Violations v = new Violations();
        v.check(match != null, "match", "required: { pathPrefix: \"/name/\" } or { host: \"api.example.com\" }");
        if (v.check(upstreams != null && !upstreams.isEmpty(), "upstream",
                "required: the name of an upstream")) {
            v.check(upstreams.stream().allMatch(u -> u != null && !u.isBlank()), "upstream",
                    "an upstream name must not be empty");
            v.check(upstreams.stream().distinct().count() == upstreams.size(), "upstream",
                    "names an upstream twice");
        }
        v.throwIfAny();
        upstreams = List.copyOf(upstreams);
    }

    /** A route to one upstream. */
    public RouteConfig(MatchConfig match, String upstream, TokenMode tokens) {
        this(match, upstream == null ? null : List.of(upstream), tokens);
    }

    /** The preferred upstream: the first listed. */
    public String upstream() {
        return upstreams.get(0);
    }
}

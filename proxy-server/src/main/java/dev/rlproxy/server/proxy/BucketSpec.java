package dev.rlproxy.server.proxy;

import dev.rlproxy.core.limit.BucketLimit;

/**
 * A configured bucket of one upstream, before its scope is known: the scope decides which bucket
 * instance a request lands in (one for the upstream, one per token, per route, or per value of a
 * request header such as {@code X-Tenant}). At most {@code maxKeys} instances are tracked at once.
 */
public record BucketSpec(String name, BucketLimit limit, Scope scope, String header, int maxKeys) {

    public enum Scope { UPSTREAM, TOKEN, ROUTE, HEADER }

    public BucketSpec {
        if (scope == Scope.HEADER && (header == null || header.isBlank())) {
            throw new IllegalArgumentException("bucket '" + name + "': header scope needs a header name");
        }
    }
}

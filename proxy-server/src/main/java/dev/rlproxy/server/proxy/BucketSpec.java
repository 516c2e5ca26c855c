package dev.rlproxy.server.proxy;

import dev.rlproxy.core.config.BucketScope;
import dev.rlproxy.core.limit.BucketLimit;

/**
 * A configured bucket of one upstream, before its scope is known: the scope decides which bucket
 * instance a request lands in (one for the upstream, one per token, per route, or per value of a
 * request header such as {@code X-Tenant}).
 *
 * @param limit       requests per interval (window margin included), or null for an in-flight cap
 * @param maxInFlight requests in flight at once for an in-flight cap, 0 for a rate bucket
 * @param maxKeys     how many instances of a rate bucket are tracked at once
 */
public record BucketSpec(String name, BucketLimit limit, int maxInFlight, BucketScope scope, int maxKeys) {

    public BucketSpec {
        if ((limit == null) == (maxInFlight == 0)) {
            throw new IllegalArgumentException("bucket '" + name + "' is either a rate or an in-flight cap");
        }
    }

    public static BucketSpec rate(String name, BucketLimit limit, BucketScope scope, int maxKeys) {
        return new BucketSpec(name, limit, 0, scope, maxKeys);
    }

    public static BucketSpec inFlight(String name, int max, BucketScope scope) {
        return new BucketSpec(name, null, max, scope, Integer.MAX_VALUE);
    }
}

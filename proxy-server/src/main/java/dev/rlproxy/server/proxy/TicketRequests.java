package dev.rlproxy.server.proxy;

import dev.rlproxy.core.config.BucketScope;
import dev.rlproxy.core.limit.BucketLimit;
import dev.rlproxy.core.limit.BucketRef;
import dev.rlproxy.core.limit.LearnedRef;
import dev.rlproxy.core.limit.TicketRequest;
import dev.rlproxy.core.tokens.Fingerprint;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ticket request of each exchange to one upstream: every configured bucket in the request's
 * scope, plus its learned position. What does not depend on the request is made once: the bucket
 * of an upstream-wide scope, and those of each token and each route, up to {@value #CACHED_SCOPES}
 * of each bucket (beyond that, and for header scopes, a request's keys are built for it), so the
 * common exchange builds no key string and the limiter hashes keys whose hash is already known.
 */
final class TicketRequests {

    /** Scopes of one bucket (tokens, client credentials, routes) whose refs are kept. */
    static final int CACHED_SCOPES = 4_096;

    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie");

    private final ScopedBucket[] buckets;
    private final String learnedScopePrefix;
    private final BucketLimit assumedLimit;
    private final String injectHeader;
    private final Map<String, String> learnedScopes = new ConcurrentHashMap<>();

    TicketRequests(String upstream, List<BucketSpec> buckets, BucketLimit assumedLimit, String injectHeader) {
        this.buckets = buckets.stream().map(spec -> new ScopedBucket(upstream, spec)).toArray(ScopedBucket[]::new);
        this.learnedScopePrefix = Upstream.learnedScopePrefix(upstream);
        this.assumedLimit = assumedLimit;
        this.injectHeader = injectHeader;
    }

    /**
     * @param tokenFingerprint the pooled token's or the client credential's fingerprint; {@code null} for none
     */
    TicketRequest of(String routeKey, String tokenFingerprint, HttpHeaders requestHeaders, long maxWaitNanos) {
        String token = tokenFingerprint == null ? "none" : tokenFingerprint;
        List<BucketRef> refs = switch (buckets.length) {
            case 0 -> List.of();
            case 1 -> List.of(buckets[0].ref(token, routeKey, requestHeaders));
            default -> {
                BucketRef[] each = new BucketRef[buckets.length];
                for (int i = 0; i < each.length; i++) {
                    each[i] = buckets[i].ref(token, routeKey, requestHeaders);
                }
                yield List.of(each);
            }
        };
        String scope = cached(learnedScopes, token, learnedScopePrefix);
        LearnedRef learned = new LearnedRef(scope, routeKey, assumedLimit);
        // Stamped at send: the exchange reports when the request really leaves (see ProxyExchange).
        return new TicketRequest(refs, learned, 1, maxWaitNanos, true);
    }

    private static String cached(Map<String, String> scopes, String value, String prefix) {
        String scope = scopes.get(value);
        if (scope == null) {
            scope = prefix + value;
            if (scopes.size() < CACHED_SCOPES) {
                scopes.putIfAbsent(value, scope);
            }
        }
        return scope;
    }

    /** One configured bucket, with the refs of the scopes it has seen. */
    private final class ScopedBucket {
        private final BucketSpec spec;
        private final String keyPrefix;
        private final String group;
        /** The one ref of an upstream-wide bucket; null for other scopes. */
        private final BucketRef upstreamWide;
        /** Token or route → its ref, for buckets of those scopes. */
        private final Map<String, BucketRef> byScope = new ConcurrentHashMap<>();

        ScopedBucket(String upstream, BucketSpec spec) {
            this.spec = spec;
            this.keyPrefix = Upstream.bucketKeyPrefix(upstream, spec.name());
            this.group = upstream + "/" + spec.name();
            this.upstreamWide = spec.scope().kind() == BucketScope.Kind.UPSTREAM ? build("") : null;
        }

        BucketRef ref(String token, String routeKey, HttpHeaders requestHeaders) {
            return switch (spec.scope().kind()) {
                case UPSTREAM -> upstreamWide;
                case TOKEN -> cachedRef(token, "token=");
                case ROUTE -> cachedRef(routeKey, "route=");
                case HEADER -> {
                    String header = spec.scope().header();
                    yield build(header + "=" + headerScopeValue(header, requestHeaders.get(header)));
                }
            };
        }

        private BucketRef cachedRef(String value, String label) {
            BucketRef ref = byScope.get(value);
            if (ref == null) {
                ref = build(label + value);
                if (byScope.size() < CACHED_SCOPES) {
                    byScope.putIfAbsent(value, ref);
                }
            }
            return ref;
        }

        private BucketRef build(String scopeValue) {
            String key = keyPrefix + scopeValue;
            return spec.limit() != null ? new BucketRef(key, spec.limit(), group, spec.maxKeys())
                    : BucketRef.inFlight(key, spec.maxInFlight());
        }
    }

    /**
     * A header's value as a bucket scope. Keys show in {@code /status}, so a credential (the
     * token header, Authorization, Cookie) is keyed by its fingerprint, never its value.
     */
    private String headerScopeValue(String header, String value) {
        if (value == null) {
            return "";
        }
        boolean credential = header.equalsIgnoreCase(injectHeader) || CREDENTIAL_HEADERS.contains(header.toLowerCase(Locale.ROOT));
        return credential ? Fingerprint.of(value) : value;
    }
}

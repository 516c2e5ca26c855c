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
import java.util.function.Function;

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
    private final BucketLimit assumedLimit;
    /** Token fingerprint → the learned scope of that token. */
    private final ScopeCache<String> learnedScopes;

    TicketRequests(String upstream, List<BucketSpec> buckets, BucketLimit assumedLimit, String injectHeader) {
        this.buckets = buckets.stream().map(spec -> new ScopedBucket(upstream, spec, injectHeader))
                .toArray(ScopedBucket[]::new);
        this.assumedLimit = assumedLimit;
        String learnedScopePrefix = Upstream.learnedScopePrefix(upstream);
        this.learnedScopes = new ScopeCache<>(token -> learnedScopePrefix + token);
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
        LearnedRef learned = new LearnedRef(learnedScopes.get(token), routeKey, assumedLimit);
        // Stamped at send: the exchange reports when the request really leaves (see ProxyExchange).
        return new TicketRequest(refs, learned, 1, maxWaitNanos, true);
    }

    /** What is made from a scope (a token, a route), kept for up to {@value #CACHED_SCOPES} scopes. */
    private static final class ScopeCache<V> {
        private final Map<String, V> made = new ConcurrentHashMap<>();
        private final Function<String, V> make;

        ScopeCache(Function<String, V> make) {
            this.make = make;
        }

        V get(String scope) {
            V value = made.get(scope);
            if (value == null) {
                value = make.apply(scope);
                if (made.size() < CACHED_SCOPES) {
                    made.putIfAbsent(scope, value);
                }
            }
            return value;
        }
    }

    /** One configured bucket, with the refs of the scopes it has seen. */
    private static final class ScopedBucket {
        private final BucketSpec spec;
        private final String keyPrefix;
        private final String group;
        /** The one ref of an upstream-wide bucket; null for other scopes. */
        private final BucketRef upstreamWide;
        /** Token or route → its ref, for buckets of those scopes; null for other scopes. */
        private final ScopeCache<BucketRef> byScope;
        /**
         * For a header scope: whether the header carries a credential (the token header,
         * Authorization, Cookie). Keys show in {@code /status}, so such a value is keyed by its
         * fingerprint, never itself.
         */
        private final boolean credentialHeader;

        ScopedBucket(String upstream, BucketSpec spec, String injectHeader) {
            this.spec = spec;
            this.keyPrefix = Upstream.bucketKeyPrefix(upstream, spec.name());
            this.group = upstream + "/" + spec.name();
            BucketScope.Kind kind = spec.scope().kind();
            this.upstreamWide = kind == BucketScope.Kind.UPSTREAM ? build("") : null;
            String label = kind == BucketScope.Kind.TOKEN ? "token=" : "route=";
            this.byScope = kind == BucketScope.Kind.TOKEN || kind == BucketScope.Kind.ROUTE
                    ? new ScopeCache<>(value -> build(label + value)) : null;
            String header = spec.scope().header();
            this.credentialHeader = header != null && (header.equalsIgnoreCase(injectHeader)
                    || CREDENTIAL_HEADERS.contains(header.toLowerCase(Locale.ROOT)));
        }

        BucketRef ref(String token, String routeKey, HttpHeaders requestHeaders) {
            return switch (spec.scope().kind()) {
                case UPSTREAM -> upstreamWide;
                case TOKEN -> byScope.get(token);
                case ROUTE -> byScope.get(routeKey);
                case HEADER -> {
                    String header = spec.scope().header();
                    String value = requestHeaders.get(header);
                    String scoped = value == null ? "" : credentialHeader ? Fingerprint.of(value) : value;
                    yield build(header + "=" + scoped);
                }
            };
        }

        private BucketRef build(String scopeValue) {
            String key = keyPrefix + scopeValue;
            return spec.limit() != null ? new BucketRef(key, spec.limit(), group, spec.maxKeys())
                    : BucketRef.inFlight(key, spec.maxInFlight());
        }
    }
}

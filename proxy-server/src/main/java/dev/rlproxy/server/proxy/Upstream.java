package dev.rlproxy.server.proxy;

import dev.rlproxy.core.headers.HeaderDialect;
import dev.rlproxy.core.limit.BucketLimit;
import dev.rlproxy.core.limit.BucketRef;
import dev.rlproxy.core.limit.LearnedRef;
import dev.rlproxy.core.limit.TicketRequest;
import dev.rlproxy.core.tokens.Fingerprint;
import dev.rlproxy.core.tokens.TokenPool;
import dev.rlproxy.core.usage.UpstreamQuotas;
import dev.rlproxy.server.upstream.UpstreamConnections;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything the request path needs to know about one upstream, built once from configuration.
 *
 * @param tokens       the token pool, or {@code null} when the upstream gets the client's own credentials
 * @param injectHeader header that carries the token (e.g. Authorization)
 * @param injectFormat its value with {@code {token}} standing for the secret (e.g. {@code Bearer {token}})
 * @param assumedLimit limit assumed for a learned bucket not yet heard from, or {@code null}
 * @param maxAttempts  tries per request when a throttled answer can be retried with another token
 * @param forwarding   which forwarding headers requests to it carry
 * @param rewriteBodyUrls point the upstream's absolute URLs in JSON response bodies back through the proxy
 * @param quotas       its daily and monthly quotas, metered (reloaded in place)
 */
public record Upstream(String name, UpstreamConnections connections, HeaderDialect dialect, TokenPool tokens,
                       String injectHeader, String injectFormat, List<BucketSpec> buckets,
                       BucketLimit assumedLimit, int maxAttempts, long responseTimeoutNanos,
                       RequestForwarding forwarding, boolean rewriteBodyUrls, UpstreamQuotas quotas) {

    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie");

    public Upstream {
        buckets = List.copyOf(buckets);
    }

    /** An upstream without quotas. */
    public Upstream(String name, UpstreamConnections connections, HeaderDialect dialect, TokenPool tokens,
                    String injectHeader, String injectFormat, List<BucketSpec> buckets,
                    BucketLimit assumedLimit, int maxAttempts, long responseTimeoutNanos,
                    RequestForwarding forwarding, boolean rewriteBodyUrls) {
        this(name, connections, dialect, tokens, injectHeader, injectFormat, buckets, assumedLimit, maxAttempts,
                responseTimeoutNanos, forwarding, rewriteBodyUrls, UpstreamQuotas.none(name));
    }

    /** The tickets a request needs: every configured bucket in its scope, plus its learned position. */
    TicketRequest ticketRequest(String routeKey, String tokenFingerprint, HttpHeaders requestHeaders,
                                long maxWaitNanos) {
        String token = tokenFingerprint == null ? "none" : tokenFingerprint;
        List<BucketRef> refs = new ArrayList<>(buckets.size());
        for (BucketSpec spec : buckets) {
            String header = spec.scope().header();
            String scopeValue = switch (spec.scope().kind()) {
                case UPSTREAM -> "";
                case TOKEN -> "token=" + token;
                case ROUTE -> "route=" + routeKey;
                case HEADER -> header + "=" + headerScopeValue(header, requestHeaders.get(header));
            };
            String group = name + "/" + spec.name();
            String key = bucketKeyPrefix(name, spec.name()) + scopeValue;
            refs.add(spec.limit() != null ? new BucketRef(key, spec.limit(), group, spec.maxKeys())
                    : BucketRef.inFlight(key, spec.maxInFlight()));
        }
        LearnedRef learned = new LearnedRef(learnedScopePrefix(name) + token, routeKey, assumedLimit);
        // Stamped at send: the exchange reports when the request really leaves (see ProxyExchange).
        return new TicketRequest(refs, learned, 1, maxWaitNanos, true);
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

    /** Every limiter key of the bucket's scopes starts with this: the scope value follows. */
    public static String bucketKeyPrefix(String upstream, String bucket) {
        return upstream + "/" + bucket + "/";
    }

    /** Every learned scope of the upstream starts with this: the token's fingerprint follows. */
    public static String learnedScopePrefix(String upstream) {
        return upstream + "|";
    }

    /** Scope for what is learned about a client's own credential (passthrough), by fingerprint only. */
    String clientCredentialFingerprint(HttpHeaders requestHeaders) {
        String credential = requestHeaders.get(injectHeader);
        return credential == null ? null : Fingerprint.of(credential);
    }

    String authorizationValue(String secret) {
        return injectFormat.replace("{token}", secret);
    }
}

package dev.rlproxy.server.proxy;

import dev.rlproxy.core.headers.HeaderDialect;
import dev.rlproxy.core.limit.BucketLimit;
import dev.rlproxy.core.limit.TicketRequest;
import dev.rlproxy.core.tokens.Fingerprint;
import dev.rlproxy.core.tokens.TokenPool;
import dev.rlproxy.core.usage.UpstreamQuotas;
import dev.rlproxy.server.upstream.UpstreamConnections;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.List;
import java.util.Objects;

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
 * @param tickets      builds each request's ticket request, from the name, buckets, assumed limit and token header
 */
public record Upstream(String name, UpstreamConnections connections, HeaderDialect dialect, TokenPool tokens,
                       String injectHeader, String injectFormat, List<BucketSpec> buckets,
                       BucketLimit assumedLimit, int maxAttempts, long responseTimeoutNanos,
                       RequestForwarding forwarding, boolean rewriteBodyUrls, UpstreamQuotas quotas,
                       TicketRequests tickets) {

    /** {@code tickets} is made from the other components here (only this package can make one). */
    public Upstream {
        buckets = List.copyOf(buckets);
        Objects.requireNonNull(tickets, "tickets");
    }

    public Upstream(String name, UpstreamConnections connections, HeaderDialect dialect, TokenPool tokens,
                    String injectHeader, String injectFormat, List<BucketSpec> buckets,
                    BucketLimit assumedLimit, int maxAttempts, long responseTimeoutNanos,
                    RequestForwarding forwarding, boolean rewriteBodyUrls, UpstreamQuotas quotas) {
        this(name, connections, dialect, tokens, injectHeader, injectFormat, buckets, assumedLimit, maxAttempts,
                responseTimeoutNanos, forwarding, rewriteBodyUrls, quotas,
                new TicketRequests(name, buckets, assumedLimit, injectHeader));
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
        return tickets.of(routeKey, tokenFingerprint, requestHeaders, maxWaitNanos);
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

package dev.rlproxy.core.limit;

/**
 * Where a request sits among the limits learned from response headers.
 *
 * @param scope         whose quota this is: typically upstream + token fingerprint
 * @param route         the request's route key (e.g. {@code GET /repos/:owner/:repo}); routes the
 *                      upstream reports as sharing a bucket id end up sharing one learned bucket
 * @param assumedLimit  a limit assumed for a bucket not yet heard from (e.g. {@code tokens.defaultLimit}
 *                      per {@code resetInterval}); {@code null} means send one request and wait for
 *                      its headers before sending more
 */
public record LearnedRef(String scope, String route, BucketLimit assumedLimit) {

    public LearnedRef {
        if (scope == null || route == null) {
            throw new IllegalArgumentException("scope and route must not be null");
        }
    }
}

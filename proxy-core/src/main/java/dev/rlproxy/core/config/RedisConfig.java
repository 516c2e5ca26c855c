package dev.rlproxy.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The Redis store.
 *
 * @param uri              {@code redis://}, {@code rediss://} (TLS) or {@code redis-sentinel://}
 *                         (default redis://127.0.0.1:6379); may carry a password, which toString hides
 * @param onFailure        behaviour while Redis is unreachable (default local-share)
 * @param expectedReplicas how many replicas share the limits in local-share mode (default 2, at least 1)
 */
public record RedisConfig(String uri, FailureMode onFailure, int expectedReplicas) {

    public static final String DEFAULT_URI = "redis://127.0.0.1:6379";
    public static final int DEFAULT_EXPECTED_REPLICAS = 2;

    private static final String[] SCHEMES = {"redis://", "rediss://", "redis-sentinel://"};

    public RedisConfig {
        uri = uri == null ? DEFAULT_URI : uri.strip();
        onFailure = onFailure == null ? FailureMode.LOCAL_SHARE : onFailure;
        Violations v = new Violations();
        v.check(hasKnownScheme(uri), "uri",
                "must start with redis://, rediss:// or redis-sentinel:// and name a host");
        v.check(expectedReplicas >= 1, "expectedReplicas", "must be at least 1, was " + expectedReplicas);
        v.throwIfAny();
    }

    /** Jackson's entry point: absent keys arrive as null and take their defaults. */
    @JsonCreator
    static RedisConfig fromYaml(@JsonProperty("uri") String uri,
                                @JsonProperty("onFailure") FailureMode onFailure,
                                @JsonProperty("expectedReplicas") Integer expectedReplicas) {
        return new RedisConfig(uri, onFailure,
                expectedReplicas == null ? DEFAULT_EXPECTED_REPLICAS : expectedReplicas);
    }

    public static RedisConfig defaults() {
        return fromYaml(null, null, null);
    }

    private static boolean hasKnownScheme(String uri) {
        for (String scheme : SCHEMES) {
            if (uri.regionMatches(true, 0, scheme, 0, scheme.length()) && uri.length() > scheme.length()) {
                return true;
            }
        }
        return false;
    }

    /** The uri with any password replaced by {@code ***}: safe for logs and status pages. */
    public String redactedUri() {
        int schemeEnd = uri.indexOf("://") + 3;
        int at = uri.lastIndexOf('@');
        return at < schemeEnd ? uri : uri.substring(0, schemeEnd) + "***" + uri.substring(at);
    }

    @Override
    public String toString() {
        return "RedisConfig[uri=" + redactedUri() + ", onFailure=" + onFailure
                + ", expectedReplicas=" + expectedReplicas + "]";
    }
}

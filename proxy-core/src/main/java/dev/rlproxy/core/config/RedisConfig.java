package dev.rlproxy.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;

/**
 * The Redis store.
 *
 * @param uri              one of the forms {@link RedisUri} describes (default redis://127.0.0.1:6379);
 *                         may carry a password, which toString hides
 * @param onFailure        behaviour while Redis is unreachable (default local-share)
 * @param expectedReplicas how many replicas share the limits in local-share mode (default 2, at least 1)
 * @param timeout          longest wait for one Redis answer before the store counts as unavailable (default 250ms)
 * @param connectTimeout   longest wait for a new connection (default 1s)
 * @param threads          threads making Redis calls, i.e. calls in flight at once (default 4)
 * @param probeInterval    how often an unavailable Redis is asked whether it is back (default 1s)
 * @param tls              the CAs, server name and client certificate for a {@code rediss} uri; null
 *                         for the JDK's default CAs and the uri's host names
 * @param sentinel         the sentinels' own credentials; null when they take none (Sentinel uris only)
 */
public record RedisConfig(String uri, FailureMode onFailure, int expectedReplicas, Duration timeout,
                          Duration connectTimeout, int threads, Duration probeInterval, RedisTlsConfig tls,
                          RedisSentinelConfig sentinel) {

    public static final String DEFAULT_URI = "redis://127.0.0.1:6379";
    public static final int DEFAULT_EXPECTED_REPLICAS = 2;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(250);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    public static final int DEFAULT_THREADS = 4;
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);
    static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
    static final int MAX_THREADS = 64;

    public RedisConfig {
        uri = uri == null ? DEFAULT_URI : uri.strip();
        onFailure = onFailure == null ? FailureMode.LOCAL_SHARE : onFailure;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        probeInterval = probeInterval == null ? DEFAULT_PROBE_INTERVAL : probeInterval;
        Violations v = new Violations();
        try {
            RedisUri parsed = RedisUri.parse(uri);
            v.check(tls == null || parsed.tls(), "tls",
                    "only with a TLS uri (rediss://, rediss-sentinel:// or rediss-cluster://)");
            v.check(sentinel == null || parsed.form() == RedisUri.Form.SENTINEL, "sentinel",
                    "only with a Sentinel uri (redis-sentinel:// or rediss-sentinel://)");
        } catch (IllegalArgumentException e) {
            v.add("uri", e.getMessage());
        }
        v.check(expectedReplicas >= 1, "expectedReplicas", "must be at least 1, was " + expectedReplicas);
        checkRange(v, "timeout", timeout);
        checkRange(v, "connectTimeout", connectTimeout);
        checkRange(v, "probeInterval", probeInterval);
        v.check(threads >= 1 && threads <= MAX_THREADS, "threads",
                "must be between 1 and " + MAX_THREADS + ", was " + threads);
        v.throwIfAny();
    }

    /** The original three keys; the others take their defaults. */
    public RedisConfig(String uri, FailureMode onFailure, int expectedReplicas) {
        this(uri, onFailure, expectedReplicas, null, null, DEFAULT_THREADS, null);
    }

    /** Without {@code tls} and {@code sentinel}: the JDK's default CAs, sentinels without a password. */
    public RedisConfig(String uri, FailureMode onFailure, int expectedReplicas, Duration timeout,
                       Duration connectTimeout, int threads, Duration probeInterval) {
        this(uri, onFailure, expectedReplicas, timeout, connectTimeout, threads, probeInterval, null, null);
    }

    /** Jackson's entry point: absent keys arrive as null and take their defaults. */
    @JsonCreator
    static RedisConfig fromYaml(@JsonProperty("uri") String uri,
                                @JsonProperty("onFailure") FailureMode onFailure,
                                @JsonProperty("expectedReplicas") Integer expectedReplicas,
                                @JsonProperty("timeout") Duration timeout,
                                @JsonProperty("connectTimeout") Duration connectTimeout,
                                @JsonProperty("threads") Integer threads,
                                @JsonProperty("probeInterval") Duration probeInterval,
                                @JsonProperty("tls") RedisTlsConfig tls,
                                @JsonProperty("sentinel") RedisSentinelConfig sentinel) {
        return new RedisConfig(uri, onFailure,
                expectedReplicas == null ? DEFAULT_EXPECTED_REPLICAS : expectedReplicas,
                timeout, connectTimeout, threads == null ? DEFAULT_THREADS : threads, probeInterval, tls, sentinel);
    }

    public static RedisConfig defaults() {
        return fromYaml(null, null, null, null, null, null, null, null, null);
    }

    private static void checkRange(Violations v, String key, Duration value) {
        v.check(value.compareTo(MIN_TIMEOUT) >= 0 && value.compareTo(MAX_TIMEOUT) <= 0, key,
                "must be between 1ms and 1m, was " + value.toMillis() + "ms");
    }

    /** The uri taken apart (it was checked when this record was made). */
    public RedisUri parsedUri() {
        return RedisUri.parse(uri);
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
                + ", expectedReplicas=" + expectedReplicas + ", timeout=" + timeout + ", connectTimeout="
                + connectTimeout + ", threads=" + threads + ", probeInterval=" + probeInterval + ", tls=" + tls
                + ", sentinel=" + sentinel + "]";
    }
}

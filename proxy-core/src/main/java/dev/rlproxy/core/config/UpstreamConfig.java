package dev.rlproxy.core.config;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.OptBoolean;

import dev.rlproxy.core.headers.Dialects;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One API the proxy forwards to.
 *
 * @param name            the key under {@code upstreams} (not a YAML key of its own)
 * @param url             base URL, http or https, no query or fragment
 * @param dialect         how its rate-limit headers read: one of {@link #DIALECTS} (default retry-after)
 * @param custom          header mapping, required exactly when dialect is custom
 * @param connectTimeout  default 2s
 * @param responseTimeout default 30s
 * @param retry           default maxAttempts 3
 * @param tokens          the token pool; null means requests keep the client's own credentials
 * @param buckets         configured limits (names unique), all must pass
 * @param quotas          daily/monthly quotas (names unique)
 * @param windowMargin    added to every configured bucket's {@code per}, because the upstream sees a
 *                        request a little after the proxy sends it (default 100ms; 0 allowed)
 * @param forwardedHeaders which forwarding headers requests to it carry (default none)
 * @param maxResetWait    the furthest ahead a reset or retry-after from this upstream is believed;
 *                        later ones are clamped to it (default 1h, GitHub's window; 1s … 1d)
 * @param rewriteBodyUrls whether absolute URLs under {@code url} in JSON response bodies are pointed
 *                        back through the proxy (default false: it costs CPU on every JSON body)
 * @param pool            the keep-alive connection pool (sizes, warm connections, connect pace)
 * @param tls             extra CAs and the name to verify for an https upstream; null means the
 *                        JDK's default CAs and the url's host
 * @param egressProxy     the HTTP proxy the upstream is reached through; null means directly
 * @param http2           whether an https upstream is offered HTTP/2 by ALPN (default off)
 */
@JsonIgnoreProperties("name") // the map key; a "name:" key in the file is refused (FAIL_ON_IGNORED_PROPERTIES)
public record UpstreamConfig(@JacksonInject(value = UpstreamConfig.NAME_ATTRIBUTE, useInput = OptBoolean.FALSE)
                             String name,
                             URI url, String dialect, CustomDialectConfig custom, Duration connectTimeout,
                             Duration responseTimeout, RetryConfig retry, TokensConfig tokens,
                             List<BucketConfig> buckets, List<QuotaConfig> quotas, Duration windowMargin,
                             ForwardedHeaders forwardedHeaders, Duration maxResetWait,
                             Boolean rewriteBodyUrls, PoolConfig pool, UpstreamTlsConfig tls,
                             EgressProxy egressProxy, Http2Mode http2) {

    /** The values {@code dialect} accepts: the built-in dialects, then {@code custom}. */
    public static final List<String> DIALECTS =
            Stream.concat(Dialects.names().stream(), Stream.of("custom")).toList();
    public static final String DEFAULT_DIALECT = "retry-after";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_WINDOW_MARGIN = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_RESET_WAIT = Duration.ofHours(1);
    public static final Duration MAX_MAX_RESET_WAIT = Duration.ofDays(1);

    /** The loader passes the map key in under this name while it builds the upstream. */
    static final String NAME_ATTRIBUTE = "rlproxy.upstream.name";

    public UpstreamConfig {
        dialect = dialect == null ? DEFAULT_DIALECT : dialect.strip();
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        responseTimeout = responseTimeout == null ? DEFAULT_RESPONSE_TIMEOUT : responseTimeout;
        retry = retry == null ? RetryConfig.defaults() : retry;
        buckets = buckets == null ? List.of() : buckets;
        quotas = quotas == null ? List.of() : quotas;
        windowMargin = windowMargin == null ? DEFAULT_WINDOW_MARGIN : windowMargin;
        forwardedHeaders = forwardedHeaders == null ? ForwardedHeaders.NONE : forwardedHeaders;
        maxResetWait = maxResetWait == null ? DEFAULT_MAX_RESET_WAIT : maxResetWait;
        rewriteBodyUrls = rewriteBodyUrls != null && rewriteBodyUrls;
        pool = pool == null ? PoolConfig.defaults() : pool;
        http2 = http2 == null ? Http2Mode.OFF : http2;
        Violations v = new Violations();
        v.check(Names.isIdentifier(name), "name", "upstream name " + Names.IDENTIFIER_RULE);
        String urlProblem = HttpUrls.problem(url);
        v.check(urlProblem == null, "url", urlProblem);
        if (v.check(DIALECTS.contains(dialect), "dialect", "expected " + String.join(" | ", DIALECTS))) {
            boolean isCustom = dialect.equals("custom");
            v.check(!isCustom || custom != null, "custom", "required when dialect is custom");
            v.check(isCustom || custom == null, "custom", "only allowed when dialect is custom");
        }
        v.check(Durations.isPositive(connectTimeout), "connectTimeout", "must be positive");
        v.check(Durations.isPositive(responseTimeout), "responseTimeout", "must be positive");
        v.check(!windowMargin.isNegative() && windowMargin.compareTo(Duration.ofMinutes(1)) <= 0, "windowMargin",
                "must be between 0s and 1m");
        v.check(maxResetWait.compareTo(Duration.ofSeconds(1)) >= 0 && maxResetWait.compareTo(MAX_MAX_RESET_WAIT) <= 0,
                "maxResetWait", "must be between 1s and 1d");
        v.check(tls == null || url == null || "https".equalsIgnoreCase(url.getScheme()), "tls",
                "only for an https:// url");
        checkUniqueNames(v, "buckets", buckets, BucketConfig::name);
        checkUniqueNames(v, "quotas", quotas, QuotaConfig::name);
        v.throwIfAny();
        buckets = List.copyOf(buckets);
        quotas = List.copyOf(quotas);
    }

    private static <T> void checkUniqueNames(Violations v, String key, List<T> items, Function<T, String> name) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            T item = items.get(i);
            if (v.check(item != null, key + "[" + i + "]", "must not be empty")) {
                v.check(seen.add(name.apply(item)), key + "[" + i + "].name",
                        "duplicate name '" + name.apply(item) + "'");
            }
        }
    }

    /**
     * An upstream with the defaults of {@code forwardedHeaders}, {@code maxResetWait}, {@code rewriteBodyUrls},
     * {@code pool} and {@code http2}, reached directly with the default trust.
     */
    public UpstreamConfig(String name, URI url, String dialect, CustomDialectConfig custom, Duration connectTimeout,
                          Duration responseTimeout, RetryConfig retry, TokensConfig tokens, List<BucketConfig> buckets,
                          List<QuotaConfig> quotas, Duration windowMargin) {
        this(name, url, dialect, custom, connectTimeout, responseTimeout, retry, tokens, buckets, quotas, windowMargin,
                null, null, null, null, null, null, null);
    }

    /** Whether forwarded requests get a pooled token. */
    public boolean hasTokens() {
        return tokens != null;
    }
}

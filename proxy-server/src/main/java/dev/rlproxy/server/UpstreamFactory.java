package dev.rlproxy.server;

import dev.rlproxy.core.config.BucketConfig;
import dev.rlproxy.core.config.CustomDialectConfig;
import dev.rlproxy.core.config.OAuth2Config;
import dev.rlproxy.core.config.RouteConfig;
import dev.rlproxy.core.config.TokenMode;
import dev.rlproxy.core.config.TokensConfig;
import dev.rlproxy.core.config.UpstreamConfig;
import dev.rlproxy.core.headers.CustomHeaderMapping;
import dev.rlproxy.core.headers.Dialects;
import dev.rlproxy.core.headers.HeaderDialect;
import dev.rlproxy.core.limit.BucketLimit;
import dev.rlproxy.core.limit.Clock;
import dev.rlproxy.core.limit.Scheduler;
import dev.rlproxy.core.tokens.Fingerprint;
import dev.rlproxy.core.tokens.OAuth2ClientCredentials;
import dev.rlproxy.core.tokens.RefreshingCredential;
import dev.rlproxy.core.tokens.Secret;
import dev.rlproxy.core.tokens.TokenPool;
import dev.rlproxy.core.tokens.TokenPoolSettings;
import dev.rlproxy.core.tokens.TokenSource;
import dev.rlproxy.server.proxy.BucketSpec;
import dev.rlproxy.server.proxy.Route;
import dev.rlproxy.server.proxy.Upstream;
import dev.rlproxy.server.upstream.UpstreamConnections;
import dev.rlproxy.server.upstream.UpstreamSettings;
import dev.rlproxy.server.upstream.UpstreamTarget;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns validated configuration records into the runtime pieces of the request path. */
final class UpstreamFactory {

    static final int MAX_PENDING_ACQUIRES_PER_LOOP = 4096;
    static final Duration TOKEN_FILE_POLL = Duration.ofSeconds(5);

    private final Clock clock;
    private final Scheduler scheduler;
    /** Token files are polled with blocking file I/O: never on an event loop. */
    private final Scheduler fileScheduler;
    private final Class<? extends Channel> channelType;
    private final SslContext tls;
    private HttpClient oauthHttp;

    UpstreamFactory(Clock clock, Scheduler scheduler, Scheduler fileScheduler, Class<? extends Channel> channelType) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.fileScheduler = fileScheduler;
        this.channelType = channelType;
        try {
            this.tls = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for upstream connections", e);
        }
    }

    Upstream create(UpstreamConfig config) {
        UpstreamTarget target = UpstreamTarget.of(config.name(), config.url());
        UpstreamSettings settings = new UpstreamSettings(config.connectTimeout(), config.responseTimeout(),
                config.pool().maxConnections(), config.pool().minIdle(), config.pool().maxConnectsPerSecond(),
                MAX_PENDING_ACQUIRES_PER_LOOP);
        TokensConfig tokens = config.tokens();
        BucketLimit assumed = tokens != null && tokens.defaultLimit() != null
                ? BucketLimit.of(tokens.defaultLimit(), tokens.resetInterval()) : null;
        return new Upstream(config.name(), new UpstreamConnections(target, settings, tls, channelType),
                dialect(config), tokens == null ? null : pool(config.name(), tokens),
                tokens == null ? "Authorization" : tokens.inject().header(),
                tokens == null ? "{token}" : tokens.inject().format(),
                buckets(config.buckets(), config.windowMargin()), assumed, config.retry().maxAttempts(),
                config.responseTimeout().toNanos());
    }

    Route route(RouteConfig config, Upstream upstream) {
        return new Route(config.match().pathPrefix(), config.match().host(), upstream,
                config.tokens() == TokenMode.PASSTHROUGH);
    }

    private static HeaderDialect dialect(UpstreamConfig config) {
        if (!"custom".equals(config.dialect())) {
            return Dialects.named(config.dialect());
        }
        CustomDialectConfig c = config.custom();
        CustomHeaderMapping.ResetFormat format = c.resetFormat() == null ? null
                : CustomHeaderMapping.ResetFormat.valueOf(c.resetFormat().toUpperCase(Locale.ROOT).replace('-', '_'));
        return Dialects.custom(new CustomHeaderMapping(c.limitHeader(), c.remainingHeader(), c.resetHeader(),
                format, c.bucketHeader(), c.retryAfterHeader()));
    }

    private TokenPool pool(String upstream, TokensConfig config) {
        // The pool reopens a spent token at the same moment the limiter reopens its learned window.
        TokenPoolSettings d = TokenPoolSettings.DEFAULTS;
        TokenPoolSettings settings = new TokenPoolSettings(config.defaultLimit(), config.resetInterval(),
                ProxyApplication.RESET_MARGIN, d.quarantineBase(), d.quarantineMax());
        TokenPool pool = new TokenPool(upstream, settings, clock, scheduler);
        pool.reconcile(tokenSources(upstream, config));
        return pool;
    }

    /**
     * The token sources a configuration names. Sources are identified by key (a static token's
     * fingerprint, a file's path, an OAuth2 client's settings), so reconciling a pool with a fresh
     * list keeps unchanged tokens and their accounting, adds new ones and retires removed ones.
     */
    List<TokenSource> tokenSources(String upstream, TokensConfig config) {
        List<TokenSource> sources = new ArrayList<>();
        if (!config.staticTokens().isEmpty()) {
            sources.add(TokenSource.staticValues(config.staticTokens()));
        }
        if (config.file() != null) {
            sources.add(TokenSource.file(config.file(), TOKEN_FILE_POLL, fileScheduler));
        }
        if (config.oauth2() != null) {
            sources.add(TokenSource.generated(oauth2(upstream, config.oauth2())));
        }
        return sources;
    }

    private RefreshingCredential oauth2(String upstream, OAuth2Config config) {
        if (oauthHttp == null) {
            oauthHttp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        }
        OAuth2ClientCredentials generator = new OAuth2ClientCredentials(new OAuth2ClientCredentials.Settings(
                config.tokenUrl(), config.clientId(), Secret.of(config.clientSecret()), config.scope(),
                OAuth2ClientCredentials.ClientAuthentication.BASIC, Duration.ofSeconds(30)), oauthHttp, clock);
        // Named after its settings: a reload with a changed client replaces the credential.
        String settings = String.join("\n", config.tokenUrl().toString(), config.clientId(), config.clientSecret(),
                String.valueOf(config.scope()));
        return new RefreshingCredential(upstream + "/oauth2/" + Fingerprint.of(settings), generator,
                config.refreshBefore(), clock, scheduler);
    }

    /**
     * Each configured window is widened by the upstream's window margin: the limiter counts a
     * request from its write to the upstream connection, and the upstream sees it a network
     * latency later, so "no interval of {@code per}" must hold at its end too. This is the only
     * place the margin is applied (it also stretches burst spacing a little, which is harmless).
     */
    private static List<BucketSpec> buckets(List<BucketConfig> configs, Duration windowMargin) {
        List<BucketSpec> specs = new ArrayList<>(configs.size());
        for (BucketConfig c : configs) {
            BucketLimit limit = new BucketLimit(c.limit(), c.per().plus(windowMargin),
                    c.burst() == null ? c.limit() : c.burst());
            BucketSpec.Scope scope = BucketSpec.Scope.valueOf(c.scope().kind().name());
            specs.add(new BucketSpec(c.name(), limit, scope, c.scope().header()));
        }
        return specs;
    }
}

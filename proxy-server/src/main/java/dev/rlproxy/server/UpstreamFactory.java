package dev.rlproxy.server;

import dev.rlproxy.core.config.BucketConfig;
import dev.rlproxy.core.config.CommandConfig;
import dev.rlproxy.core.config.CustomDialectConfig;
import dev.rlproxy.core.config.EgressProxy;
import dev.rlproxy.core.config.GitHubAppConfig;
import dev.rlproxy.core.config.Http2Mode;
import dev.rlproxy.core.config.OAuth2Config;
import dev.rlproxy.core.config.RouteConfig;
import dev.rlproxy.core.config.TokenMode;
import dev.rlproxy.core.config.TokensConfig;
import dev.rlproxy.core.config.UpstreamConfig;
import dev.rlproxy.core.headers.CustomHeaderMapping;
import dev.rlproxy.core.headers.Dialects;
import dev.rlproxy.core.headers.HeaderDialect;
import dev.rlproxy.core.limit.BucketLimit;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.time.Scheduler;
import dev.rlproxy.core.tokens.CommandCredentials;
import dev.rlproxy.core.tokens.CredentialGenerator;
import dev.rlproxy.core.tokens.CredentialStore;
import dev.rlproxy.core.tokens.Fingerprint;
import dev.rlproxy.core.tokens.GitHubAppInstallationTokens;
import dev.rlproxy.core.tokens.OAuth2ClientCredentials;
import dev.rlproxy.core.tokens.RefreshingCredential;
import dev.rlproxy.core.tokens.Secret;
import dev.rlproxy.core.tokens.SharedCredentialGenerator;
import dev.rlproxy.core.tokens.TokenPool;
import dev.rlproxy.core.tokens.TokenPoolSettings;
import dev.rlproxy.core.tokens.TokenSource;
import dev.rlproxy.core.usage.UpstreamQuotas;
import dev.rlproxy.core.usage.UsageMeter;
import dev.rlproxy.core.tokens.TokenPoolSharing;
import dev.rlproxy.server.proxy.BucketSpec;
import dev.rlproxy.server.proxy.RequestForwarding;
import dev.rlproxy.server.proxy.Route;
import dev.rlproxy.server.proxy.Upstream;
import dev.rlproxy.server.tls.UpstreamTrust;
import dev.rlproxy.server.upstream.EgressProxies;
import dev.rlproxy.server.upstream.UpstreamConnections;
import dev.rlproxy.server.upstream.UpstreamResolver;
import dev.rlproxy.server.upstream.UpstreamSettings;
import dev.rlproxy.server.upstream.UpstreamTarget;
import dev.rlproxy.server.upstream.UpstreamTls;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Turns validated configuration records into the runtime pieces of the request path. */
final class UpstreamFactory {

    static final int MAX_PENDING_ACQUIRES_PER_LOOP = 4096;
    static final Duration TOKEN_FILE_POLL = Duration.ofSeconds(5);
    static final Duration TOKEN_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final Duration CREDENTIAL_LOCK_SLACK = Duration.ofSeconds(5);
    /** How often a replica waiting for another's new token reads the store again. */
    static final Duration CREDENTIAL_POLL = Duration.ofMillis(500);

    private final Clock clock;
    private final Scheduler scheduler;
    /** Token files are polled with blocking file I/O: never on an event loop. */
    private final Scheduler fileScheduler;
    private final Class<? extends SocketChannel> channelType;
    /** The process environment: {@code egressProxy: env} reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY. */
    private final Map<String, String> environment;
    private UsageMeter usage;
    private TokenPoolSharing poolSharing;
    /** Upstream host names, resolved on the event loops without blocking; shared by every upstream. */
    private final AddressResolverGroup<InetSocketAddress> resolver;
    /** server.trustForwardedHeaders: keep the forwarding headers clients send. */
    private final boolean trustForwardedHeaders;
    /** {@code queue.maxDepth}: also bounds the checkouts waiting for a token of one upstream. */
    private final int maxQueueDepth;
    /** Generated tokens are fetched once for all replicas sharing this store. */
    private final CredentialStore credentials;
    private HttpClient credentialHttp;
    /** Token commands block while they run: on their own threads, never an event loop. */
    private ExecutorService commandThreads;

    UpstreamFactory(Clock clock, Scheduler scheduler, Scheduler fileScheduler, Class<? extends SocketChannel> channelType,
                    Class<? extends DatagramChannel> datagramType, boolean trustForwardedHeaders, int maxQueueDepth,
                    Map<String, String> environment) {
        this(clock, scheduler, fileScheduler, channelType, datagramType, trustForwardedHeaders, maxQueueDepth,
                environment, CredentialStore.inMemory(clock));
    }

    /**
     * @param environment the process environment ({@code egressProxy: env} reads it)
     * @param credentials where generated tokens are shared with other replicas (in memory: with no one)
     */
    UpstreamFactory(Clock clock, Scheduler scheduler, Scheduler fileScheduler, Class<? extends SocketChannel> channelType,
                    Class<? extends DatagramChannel> datagramType, boolean trustForwardedHeaders, int maxQueueDepth,
                    Map<String, String> environment, CredentialStore credentials) {
        this.credentials = credentials;
        this.maxQueueDepth = maxQueueDepth;
        this.resolver = UpstreamResolver.create(datagramType, channelType);
        this.trustForwardedHeaders = trustForwardedHeaders;
        this.clock = clock;
        this.scheduler = scheduler;
        this.fileScheduler = fileScheduler;
        this.channelType = channelType;
        this.environment = environment;
    }

    /** Token pools built from now on share their tokens' state with other replicas through {@code sharing} (null: alone). */
    void sharePoolsWith(TokenPoolSharing sharing) {
        this.poolSharing = sharing;
    }

    /** Upstreams built from now on count their quotas with {@code usage}; without it they have none. */
    void meterUsageWith(UsageMeter usage) {
        this.usage = usage;
    }

    /** The upstream {@code config} describes, over new connections, a new token pool and its dialect. */
    Upstream create(UpstreamConfig config) {
        return upstream(config, connections(config), config.tokens() == null ? null : pool(config),
                boundedDialect(config));
    }

    /** How the upstream's rate-limit headers are read, absurd values bounded by its {@code maxResetWait}. */
    HeaderDialect boundedDialect(UpstreamConfig config) {
        return Dialects.bounded(dialect(config), config.name(), config.maxResetWait());
    }

    /** The connection pool to the upstream; its {@code start} is the caller's. */
    UpstreamConnections connections(UpstreamConfig config) {
        UpstreamSettings settings = new UpstreamSettings(config.connectTimeout(), config.responseTimeout(),
                config.pool().maxConnections(), config.pool().minIdle(), config.pool().maxConnectsPerSecond(),
                MAX_PENDING_ACQUIRES_PER_LOOP);
        UpstreamTarget target = UpstreamTarget.of(config.name(), config.url());
        UpstreamTls tls = target.tls() ? tls(config, target) : null;
        return new UpstreamConnections(target, settings, tls, egressProxy(config, target), channelType, resolver);
    }

    /** The https upstream's client contexts, over one reading of its trust. */
    private static UpstreamTls tls(UpstreamConfig config, UpstreamTarget target) {
        UpstreamTrust trust = UpstreamTrust.of(config.name(), config.tls());
        return new UpstreamTls(trust.context(false), config.http2() == Http2Mode.AUTO ? trust.context(true) : null,
                config.tls() != null && config.tls().serverName() != null ? config.tls().serverName() : target.host());
    }

    /** The upstream as the request path sees it, over connections, token pool and dialect that may be reused. */
    Upstream upstream(UpstreamConfig config, UpstreamConnections connections, TokenPool tokens, HeaderDialect dialect) {
        TokensConfig tokensConfig = config.tokens();
        BucketLimit assumed = tokensConfig != null && tokensConfig.defaultLimit() != null
                ? BucketLimit.of(tokensConfig.defaultLimit(), tokensConfig.resetInterval()) : null;
        return new Upstream(config.name(), connections, dialect, tokens,
                tokensConfig == null ? "Authorization" : tokensConfig.inject().header(),
                tokensConfig == null ? "{token}" : tokensConfig.inject().format(),
                buckets(config.buckets(), config.windowMargin()), assumed, config.retry().maxAttempts(),
                config.responseTimeout().toNanos(),
                new RequestForwarding(config.forwardedHeaders(), trustForwardedHeaders), config.rewriteBodyUrls(),
                quotas(config));
    }

    private EgressProxy egressProxy(UpstreamConfig config, UpstreamTarget target) {
        try {
            return EgressProxies.select(config.egressProxy(), target, environment);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedConfigurationException(e.getMessage());
        }
    }

    /** The upstream's quotas, counted by the usage meter (with their counts kept across reloads). */
    private UpstreamQuotas quotas(UpstreamConfig config) {
        return usage == null ? UpstreamQuotas.none(config.name()) : usage.configure(config.name(), config.quotas());
    }

    /** @param upstreams the route's upstreams in its order of preference: the first, then its fallbacks */
    Route route(RouteConfig config, List<Upstream> upstreams, URI publicUrl) {
        return new Route(config.match().pathPrefix(), config.match().host(), upstreams.get(0),
                config.tokens() == TokenMode.PASSTHROUGH, publicUrl, upstreams.subList(1, upstreams.size()));
    }

    /** Releases the DNS resolvers; after the upstream connections are closed. */
    void close() {
        resolver.close();
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

    /** A new token pool for the upstream, reconciled with the token sources it names. */
    TokenPool pool(UpstreamConfig upstream) {
        TokensConfig config = upstream.tokens();
        // The pool reopens a spent token at the same moment the limiter reopens its learned window.
        TokenPoolSettings d = TokenPoolSettings.DEFAULTS;
        TokenPoolSettings settings = new TokenPoolSettings(config.defaultLimit(), config.resetInterval(),
                ProxyApplication.RESET_MARGIN, d.quarantineBase(), d.quarantineMax())
                .withBounds(upstream.maxResetWait(), maxQueueDepth);
        TokenPool pool = new TokenPool(upstream.name(), settings, clock, scheduler, poolSharing);
        pool.reconcile(tokenSources(upstream));
        return pool;
    }

    /**
     * The token sources a configuration names. Sources are identified by key (a static token's
     * fingerprint, a file's path, an OAuth2 client's settings, a GitHub App installation, a command),
     * so reconciling a pool with a fresh list keeps unchanged tokens and their accounting, adds new
     * ones and retires removed ones.
     */
    List<TokenSource> tokenSources(UpstreamConfig upstreamConfig) {
        String upstream = upstreamConfig.name();
        TokensConfig config = upstreamConfig.tokens();
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
        if (config.githubApp() != null) {
            GitHubAppConfig app = config.githubApp();
            for (long installation : app.installations()) {
                sources.add(TokenSource.generated(githubApp(upstream, app, app.apiUrlOr(upstreamConfig.url()),
                        installation)));
            }
        }
        if (config.command() != null) {
            sources.add(TokenSource.generated(command(upstream, config.command())));
        }
        return sources;
    }

    private HttpClient credentialHttp() {
        if (credentialHttp == null) {
            credentialHttp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        }
        return credentialHttp;
    }

    private RefreshingCredential oauth2(String upstream, OAuth2Config config) {
        OAuth2ClientCredentials generator = new OAuth2ClientCredentials(new OAuth2ClientCredentials.Settings(
                config.tokenUrl(), config.clientId(), Secret.of(config.clientSecret()), config.scope(),
                OAuth2ClientCredentials.ClientAuthentication.BASIC, TOKEN_REQUEST_TIMEOUT), credentialHttp(), clock);
        // Named after its settings: a reload with a changed client replaces the credential.
        String settings = String.join("\n", config.tokenUrl().toString(), config.clientId(), config.clientSecret(),
                String.valueOf(config.scope()));
        return refreshing(upstream + "/oauth2/" + Fingerprint.of(settings), generator, config.refreshBefore(),
                TOKEN_REQUEST_TIMEOUT);
    }

    /**
     * One pool entry per installation, named by App, installation, API and key: the entry (and its
     * learned quota) survives a reload that changes nothing about it, and a new key replaces it.
     */
    private RefreshingCredential githubApp(String upstream, GitHubAppConfig config, URI apiUrl, long installation) {
        GitHubAppInstallationTokens generator = new GitHubAppInstallationTokens(new GitHubAppInstallationTokens.Settings(
                apiUrl, config.appId(), installation, config.signingKey(), TOKEN_REQUEST_TIMEOUT), credentialHttp(), clock);
        String identity = String.join("\n", apiUrl.toString(), config.appId(), String.valueOf(installation),
                config.signingKey().fingerprint());
        return refreshing(upstream + "/githubApp/" + config.appId() + "/" + installation + "/"
                + Fingerprint.of(identity), generator, config.refreshBefore(), TOKEN_REQUEST_TIMEOUT);
    }

    private RefreshingCredential command(String upstream, CommandConfig config) {
        if (commandThreads == null) {
            commandThreads = Executors.newCachedThreadPool(new DefaultThreadFactory("rlproxy-token-command", true));
        }
        CommandCredentials generator = new CommandCredentials(
                new CommandCredentials.Settings(config.run(), config.timeout(), config.lifetime()), commandThreads, clock);
        // The arguments may hold secrets: they only enter the name through a fingerprint.
        String identity = String.join("\n", config.run()) + "\n" + config.lifetime() + "\n" + config.timeout();
        return refreshing(upstream + "/command/" + Fingerprint.of(identity), generator, config.refreshBefore(),
                config.timeout());
    }

    /**
     * A credential kept fresh, its token fetched once for every replica sharing the credential
     * store: the refresh lock is held a little longer than one fetch may take.
     */
    private RefreshingCredential refreshing(String name, CredentialGenerator fetch, Duration refreshBefore,
                                            Duration fetchTimeout) {
        SharedCredentialGenerator shared = new SharedCredentialGenerator(name, fetch, credentials,
                new SharedCredentialGenerator.Settings(fetchTimeout.plus(CREDENTIAL_LOCK_SLACK), CREDENTIAL_POLL),
                clock, scheduler);
        return new RefreshingCredential(name, shared, refreshBefore, clock, scheduler);
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
            if (c.capsInFlight()) {
                specs.add(BucketSpec.inFlight(c.name(), c.maxConcurrent(), c.scope()));
                continue;
            }
            BucketLimit limit = new BucketLimit(c.limit(), c.per().plus(windowMargin),
                    c.burst() == null ? c.limit() : c.burst());
            specs.add(BucketSpec.rate(c.name(), limit, c.scope(), c.maxKeys()));
        }
        return specs;
    }
}

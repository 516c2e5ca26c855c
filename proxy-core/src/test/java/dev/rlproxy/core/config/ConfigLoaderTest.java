package dev.rlproxy.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.rlproxy.core.config.ConfigFiles.MINIMAL;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void minimalFileGetsEveryDefault() {
        ProxyConfig config = ConfigFiles.load(dir, MINIMAL);

        assertThat(config.server().listen()).isEqualTo(new HostPort("127.0.0.1", 8080));
        assertThat(config.server().maxRequestBody().bytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(config.server().drainTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(config.admin().listen()).isEqualTo(new HostPort("127.0.0.1", 9090));
        assertThat(config.admin().authToken()).isEmpty();
        assertThat(config.admin().requiresAuth()).isFalse();
        assertThat(config.store().type()).isEqualTo(StoreType.MEMORY);
        assertThat(config.store().redis().uri()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(config.store().redis().onFailure()).isEqualTo(FailureMode.LOCAL_SHARE);
        assertThat(config.store().redis().expectedReplicas()).isEqualTo(2);
        assertThat(config.queue().maxWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.queue().maxDepth()).isEqualTo(10_000);

        UpstreamConfig api = config.upstreams().get("api");
        assertThat(api.name()).isEqualTo("api");
        assertThat(api.url()).isEqualTo(URI.create("https://api.example.com"));
        assertThat(api.dialect()).isEqualTo("retry-after");
        assertThat(api.custom()).isNull();
        assertThat(api.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(api.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(api.windowMargin()).isEqualTo(Duration.ofMillis(100));
        assertThat(api.maxResetWait()).isEqualTo(Duration.ofHours(1));
        assertThat(api.pool()).isEqualTo(new PoolConfig(128, 0, 1_000));
        assertThat(api.retry().maxAttempts()).isEqualTo(3);
        assertThat(api.tokens()).isNull();
        assertThat(api.hasTokens()).isFalse();
        assertThat(api.buckets()).isEmpty();
        assertThat(api.quotas()).isEmpty();

        RouteConfig route = config.routes().get(0);
        assertThat(route.match()).isEqualTo(MatchConfig.pathPrefix("/api/"));
        assertThat(route.upstream()).isEqualTo("api");
        assertThat(route.tokens()).isEqualTo(TokenMode.POOL);
    }

    @Test
    void everyKeyOfTheContractIsRead() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("tokens.txt"), "t1\nt2\n");
        ProxyConfig config = ConfigFiles.load(dir, """
                server:
                  listen: "[::1]:0"
                  maxRequestBody: 512KiB
                  drainTimeout: 45s
                  publicUrl: "https://rl.example.com/edge"
                admin:
                  listen: "0.0.0.0:9191"
                  authToken: "${ADMIN_TOKEN:-}"
                store:
                  type: redis
                  redis:
                    uri: "rediss://:pw@redis.internal:6380"
                    onFailure: fail-closed
                    expectedReplicas: 4
                queue:
                  maxWait: 1m30s
                  maxDepth: 7
                upstreams:
                  github:
                    url: "https://api.github.com"
                    dialect: github
                    connectTimeout: 500ms
                    responseTimeout: 1m
                    windowMargin: 20ms
                    maxResetWait: 2h
                    pool: { maxConnections: 16, minIdle: 2, maxConnectsPerSecond: 5 }
                    retry:
                      maxAttempts: 1
                    tokens:
                      inject: { header: X-Api-Key, format: "{token}" }
                      static: ["${GITHUB_TOKEN_1}", "${GITHUB_TOKEN_2}"]
                      file: tokens.txt
                      oauth2: { tokenUrl: "https://auth.example.com/token", clientId: app, clientSecret: "${SECRET}", scope: read, refreshBefore: 2m }
                      defaultLimit: 5000
                      resetInterval: 1d
                    buckets:
                      - { name: per-second, limit: 10, per: 1s, scope: token }
                      - { name: tenants, limit: 100, per: 1h, burst: 5, scope: "header:X-Tenant", maxKeys: 500 }
                      - { name: routes, limit: 3, per: 1s, scope: route }
                      - { name: inflight, maxConcurrent: 100, scope: token }
                    quotas:
                      - { name: monthly, metric: requests, limit: 1000000, period: month }
                      - { name: egress, metric: egress-bytes, limit: 10, period: day }
                      - { name: ingress, metric: ingress-bytes, limit: 20, period: day }
                  shop:
                    url: "http://127.0.0.1:9000/admin/api"
                    dialect: custom
                    custom:
                      limitHeader: X-Limit
                      remainingHeader: X-Remaining
                      resetHeader: X-Reset
                      resetFormat: delta-millis
                      bucketHeader: X-Bucket
                routes:
                  - match: { pathPrefix: "/github/" }
                    upstream: github
                  - match: { host: "API.GitHub.com" }
                    upstream: github
                    tokens: passthrough
                  - match: { pathPrefix: "/shop/" }
                    upstream: shop
                """, Map.of("ADMIN_TOKEN", "admin-secret", "GITHUB_TOKEN_1", "tok-1", "GITHUB_TOKEN_2", "tok-2",
                "SECRET", "client-secret"));

        assertThat(config.server().listen()).isEqualTo(new HostPort("::1", 0));
        assertThat(config.server().maxRequestBody()).isEqualTo(new DataSize(512 * 1024));
        assertThat(config.server().drainTimeout()).isEqualTo(java.time.Duration.ofSeconds(45));
        assertThat(config.server().publicUrl()).hasToString("https://rl.example.com/edge");
        assertThat(config.admin().listen().isLoopback()).isFalse();
        assertThat(config.admin().authToken()).isEqualTo("admin-secret");
        assertThat(config.store().type()).isEqualTo(StoreType.REDIS);
        assertThat(config.store().redis()).isEqualTo(
                new RedisConfig("rediss://:pw@redis.internal:6380", FailureMode.FAIL_CLOSED, 4));
        assertThat(config.queue()).isEqualTo(new QueueConfig(Duration.ofSeconds(90), 7));
        assertThat(config.upstreams().keySet()).containsExactly("github", "shop");

        UpstreamConfig github = config.upstreams().get("github");
        assertThat(github.dialect()).isEqualTo("github");
        assertThat(github.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(github.responseTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(github.windowMargin()).isEqualTo(Duration.ofMillis(20));
        assertThat(github.maxResetWait()).isEqualTo(Duration.ofHours(2));
        assertThat(github.pool()).isEqualTo(new PoolConfig(16, 2, 5));
        assertThat(github.retry().maxAttempts()).isEqualTo(1);
        TokensConfig tokens = github.tokens();
        assertThat(tokens.inject()).isEqualTo(new InjectConfig("X-Api-Key", "{token}"));
        assertThat(tokens.inject().headerValue("abc")).isEqualTo("abc");
        assertThat(tokens.staticTokens()).containsExactly("tok-1", "tok-2");
        assertThat(tokens.file()).isEqualTo(tokenFile);
        assertThat(tokens.oauth2()).isEqualTo(new OAuth2Config(URI.create("https://auth.example.com/token"), "app",
                "client-secret", "read", Duration.ofMinutes(2)));
        assertThat(tokens.defaultLimit()).isEqualTo(5000L);
        assertThat(tokens.resetInterval()).isEqualTo(Duration.ofDays(1));
        assertThat(github.buckets()).containsExactly(
                new BucketConfig("per-second", 10, Duration.ofSeconds(1), null, BucketScope.TOKEN),
                new BucketConfig("tenants", 100, Duration.ofHours(1), 5L, BucketScope.header("X-Tenant"), 500, null),
                new BucketConfig("routes", 3, Duration.ofSeconds(1), null, BucketScope.ROUTE),
                new BucketConfig("inflight", 0, null, null, BucketScope.TOKEN, null, 100));
        assertThat(github.quotas()).containsExactly(
                new QuotaConfig("monthly", QuotaMetric.REQUESTS, 1_000_000, QuotaPeriod.MONTH),
                new QuotaConfig("egress", QuotaMetric.EGRESS_BYTES, 10, QuotaPeriod.DAY),
                new QuotaConfig("ingress", QuotaMetric.INGRESS_BYTES, 20, QuotaPeriod.DAY));

        UpstreamConfig shop = config.upstreams().get("shop");
        assertThat(shop.url().getPath()).isEqualTo("/admin/api");
        assertThat(shop.custom()).isEqualTo(new CustomDialectConfig("X-Limit", "X-Remaining", "X-Reset",
                "delta-millis", "X-Bucket", "Retry-After"));

        assertThat(config.routes()).extracting(RouteConfig::match).containsExactly(
                MatchConfig.pathPrefix("/github/"), MatchConfig.host("api.github.com"), MatchConfig.pathPrefix("/shop/"));
        assertThat(config.routes()).extracting(RouteConfig::tokens)
                .containsExactly(TokenMode.POOL, TokenMode.PASSTHROUGH, TokenMode.POOL);
    }

    @Test
    void variablesAreSubstitutedWithDefaultsAndNumbersStillBind() {
        ProxyConfig config = ConfigFiles.load(dir, """
                server:
                  listen: "${HOST:-127.0.0.1}:${PORT:-8080}"
                queue:
                  maxDepth: ${DEPTH:-10}
                  maxWait: ${WAIT:-5s}
                upstreams:
                  api:
                    url: "http://${API_HOST}:${API_PORT:-80}/v1"
                    buckets:
                      - name: b
                        limit: ${LIMIT:-10}
                        per: 1s
                      - { name: flow, limit: "${FLOW_LIMIT:-7}", per: 1s }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """, Map.of("PORT", "9999", "API_HOST", "sim.local", "DEPTH", "", "LIMIT", "25"));

        assertThat(config.server().listen()).isEqualTo(new HostPort("127.0.0.1", 9999));
        assertThat(config.queue().maxDepth()).as("empty variable takes the default, as in the shell").isEqualTo(10);
        assertThat(config.queue().maxWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.upstreams().get("api").url()).isEqualTo(URI.create("http://sim.local:80/v1"));
        assertThat(config.upstreams().get("api").buckets()).extracting(BucketConfig::limit).containsExactly(25L, 7L);
    }

    @Test
    void variableValuesAreNotReinterpretedAsYaml() {
        ProxyConfig config = ConfigFiles.load(dir, MINIMAL.replace("url: \"https://api.example.com\"", """
                url: "https://api.example.com"
                    tokens:
                      static: ["${TOKEN}"]"""), Map.of("TOKEN", "a: b, [c] # ${NOT_A_VAR}"));

        assertThat(config.upstreams().get("api").tokens().staticTokens()).containsExactly("a: b, [c] # ${NOT_A_VAR}");
    }

    @Test
    void upstreamsKeepFileOrder() {
        ProxyConfig config = ConfigFiles.load(dir, """
                upstreams:
                  zeta: { url: "http://z" }
                  alpha: { url: "http://a" }
                  mid: { url: "http://m" }
                routes:
                  - { match: { pathPrefix: "/" }, upstream: mid }
                """);

        assertThat(config.upstreams().keySet()).containsExactly("zeta", "alpha", "mid");
        assertThat(config.upstreams().values()).extracting(UpstreamConfig::name).containsExactly("zeta", "alpha", "mid");
    }

    @Test
    void relativeTokenFileIsResolvedAgainstTheConfigFolder() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("conf"));
        Path tokens = Files.writeString(sub.resolve("tokens.txt"), "t\n");
        Path file = ConfigFiles.write(sub, MINIMAL.replace("url: \"https://api.example.com\"", """
                url: "https://api.example.com"
                    tokens: { file: tokens.txt }"""));

        assertThat(ConfigLoader.load(file, Map.of()).upstreams().get("api").tokens().file()).isEqualTo(tokens);
    }

    @Test
    void toStringNeverShowsSecrets() {
        ProxyConfig config = ConfigFiles.load(dir, """
                admin:
                  listen: "10.0.0.1:9090"
                  authToken: admin-s3cret
                store:
                  type: redis
                  redis: { uri: "redis://user:redis-s3cret@redis:6379/0" }
                upstreams:
                  api:
                    url: "https://api.example.com"
                    tokens:
                      static: [tok-s3cret-1, tok-s3cret-2]
                      oauth2: { tokenUrl: "https://auth/x", clientId: app, clientSecret: client-s3cret }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """);

        String shown = config.toString();
        assertThat(shown).doesNotContain("s3cret")
                .contains("static=2 token(s)", "clientSecret=***", "authToken=***", "redis://***@redis:6379/0");
        assertThat(config.store().redis().redactedUri()).isEqualTo("redis://***@redis:6379/0");
    }

    @Test
    void blankStaticTokensNeverEchoOtherTokens() {
        List<ConfigError> errors = ConfigFiles.errors(dir, MINIMAL.replace("url: \"https://api.example.com\"", """
                url: "https://api.example.com"
                    tokens:
                      static: [tok-s3cret, "", tok-s3cret]"""));

        assertThat(ConfigFiles.located(errors)).containsExactly(
                "5:28: upstreams.api.tokens.static[1]: token is blank (is its environment variable empty?)",
                "5:32: upstreams.api.tokens.static[2]: same token as static[0]");
        assertThat(errors.toString()).doesNotContain("s3cret");
    }
}

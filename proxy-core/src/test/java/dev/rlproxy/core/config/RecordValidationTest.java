package dev.rlproxy.core.config;

import dev.rlproxy.core.limit.BucketLimit;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The records validate themselves when built directly, as other modules and tests do. */
class RecordValidationTest {

    private static UpstreamConfig upstream(String name) {
        return new UpstreamConfig(name, URI.create("https://api.example.com"), null, null, null, null, null, null,
                null, null, null);
    }

    @Test
    void proxyConfigFillsDefaultsAndKeepsUpstreamOrder() {
        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        upstreams.put("b", upstream("b"));
        upstreams.put("a", upstream("a"));
        ProxyConfig config = new ProxyConfig(null, null, null, null, upstreams,
                List.of(new RouteConfig(MatchConfig.pathPrefix("/a/"), "a", null)));

        assertThat(config.server()).isEqualTo(ServerConfig.defaults());
        assertThat(config.queue()).isEqualTo(QueueConfig.defaults());
        assertThat(config.upstreams().keySet()).containsExactly("b", "a");
        assertThatThrownBy(() -> config.upstreams().put("c", upstream("c")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void proxyConfigRejectsAnUpstreamFiledUnderAnotherName() {
        assertThatThrownBy(() -> new ProxyConfig(null, null, null, null, Map.of("a", upstream("b")),
                List.of(new RouteConfig(MatchConfig.pathPrefix("/a/"), "a", null))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("upstreams.a: must be an upstream named 'a'");
    }

    @Test
    void adminNeedsATokenOffLoopback() {
        assertThat(new AdminConfig(HostPort.parse("[::1]:9090"), null).requiresAuth()).isFalse();
        assertThat(new AdminConfig(HostPort.parse("0.0.0.0:9090"), "t").requiresAuth()).isTrue();
        assertThatThrownBy(() -> new AdminConfig(HostPort.parse("10.1.2.3:9090"), " "))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).violations())
                        .extracting(Violation::key).containsExactly("authToken"));
    }

    @Test
    void bucketBecomesALimiterLimit() {
        assertThat(new BucketConfig("b", 10, Duration.ofSeconds(1), null, null).toLimit())
                .isEqualTo(new BucketLimit(10, Duration.ofSeconds(1), 10));
        assertThat(new BucketConfig("b", 10, Duration.ofSeconds(1), 2L, null).toLimit())
                .isEqualTo(new BucketLimit(10, Duration.ofSeconds(1), 2));
        assertThat(new BucketConfig("b", 10, Duration.ofSeconds(1), null, null).scope()).isEqualTo(BucketScope.UPSTREAM);
    }

    @Test
    void bucketReportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> new BucketConfig("bad name", 0, Duration.ZERO, 5L, null))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).violations())
                        .extracting(Violation::key).containsExactly("name", "limit", "per", "burst"));
    }

    @Test
    void matchNeedsExactlyOneCriterion() {
        assertThat(MatchConfig.host("API.Example.COM").host()).isEqualTo("api.example.com");
        assertThatThrownBy(() -> new MatchConfig(null, null)).hasMessage("needs exactly one of pathPrefix or host");
        assertThatThrownBy(() -> MatchConfig.pathPrefix("/api")).hasMessageContaining("must start and end with '/'");
        assertThatThrownBy(() -> MatchConfig.host("http://x/")).hasMessageContaining("must be a host name");
    }

    @Test
    void tokensNeedASourceAndNoBlanks() {
        assertThatThrownBy(() -> new TokensConfig(null, List.of(), null, null, null, null, null, null))
                .hasMessageContaining("needs at least one token source");
        TokensConfig tokens = new TokensConfig(null, List.of(" padded-secret \n"), null, null, null, null, 100L, null);
        assertThat(tokens.staticTokens()).containsExactly("padded-secret");
        assertThat(tokens.resetInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(tokens.toString()).doesNotContain("secret").contains("static=1 token(s)");
    }

    @Test
    void oauth2SecretIsRequiredAndHidden() {
        OAuth2Config oauth2 = new OAuth2Config(URI.create("https://auth/token"), "id", "very-secret", null, null);
        assertThat(oauth2.toString()).doesNotContain("very-secret");
        assertThat(oauth2.refreshBefore()).isEqualTo(Duration.ofSeconds(60));
        assertThatThrownBy(() -> new OAuth2Config(URI.create("https://auth/token"), "id", "", null, null))
                .hasMessageContaining("clientSecret: required");
    }

    @Test
    void redisAcceptsTheDocumentedSchemesOnly() {
        for (String uri : List.of("redis://h:6379", "rediss://h:6380", "redis-sentinel://h1:26379,h2:26379/master",
                "redis-cluster://h1:7000,h2:7001")) {
            assertThat(new RedisConfig(uri, null, 1).uri()).isEqualTo(uri);
        }
        assertThatThrownBy(() -> new RedisConfig("http://h", null, 1)).hasMessageContaining("uri: must start with");
        assertThatThrownBy(() -> new RedisConfig("redis://", null, 1)).hasMessageContaining("uri: must start with");
        assertThat(new RedisConfig("redis://h", null, 1).redactedUri()).isEqualTo("redis://h");
    }

    @Test
    void redisTimeoutsAndThreadsHaveDefaultsAndBounds() {
        RedisConfig defaults = RedisConfig.defaults();
        assertThat(defaults.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.threads()).isEqualTo(4);
        assertThat(defaults.probeInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> new RedisConfig(null, null, 1, Duration.ZERO, Duration.ofMinutes(2), 0,
                Duration.ofMillis(-1)))
                .hasMessageContainingAll("timeout: must be between 1ms and 1m, was 0ms",
                        "connectTimeout: must be between 1ms and 1m, was 120000ms",
                        "threads: must be between 1 and 64, was 0", "probeInterval: must be between 1ms and 1m");
    }

    @Test
    void upstreamUrlRules() {
        assertThatThrownBy(() -> new UpstreamConfig("a", URI.create("https://user:pw@h"), null, null, null, null,
                null, null, null, null, null)).hasMessage("url: must not carry credentials; configure tokens instead");
        assertThatThrownBy(() -> new UpstreamConfig("a", URI.create("/relative"), null, null, null, null,
                null, null, null, null, null)).hasMessage("url: must be an http:// or https:// URL");
        assertThatThrownBy(() -> upstream("has space")).hasMessageStartingWith("name: upstream name must be");
    }
}

package dev.rlproxy.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.rlproxy.core.config.ConfigFiles.errors;
import static dev.rlproxy.core.config.ConfigFiles.located;
import static org.assertj.core.api.Assertions.assertThat;

/** Listener TLS, upstream trust, egress proxy and HTTP/2 keys: read, defaulted, and refused at their lines. */
class NetworkConfigTest {

    @TempDir
    Path dir;

    @Test
    void readsTlsAndEgressSectionsWithPathsRelativeToTheConfigFile() throws Exception {
        Files.writeString(dir.resolve("tls.crt"), "x");
        Files.writeString(dir.resolve("tls.key"), "x");
        Files.writeString(dir.resolve("ca.pem"), "x");

        ProxyConfig config = ConfigFiles.load(dir, """
                server:
                  tls: { certFile: tls.crt, keyFile: tls.key, clientCaFile: ca.pem }
                upstreams:
                  api:
                    url: "https://10.0.0.5"
                    tls: { caFile: ca.pem, serverName: api.internal }
                    egressProxy: "http://svc:${PROXY_PASSWORD}@proxy.corp:3128"
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """, Map.of("PROXY_PASSWORD", "hunter2"));

        assertThat(config.server().tls().certFile()).isEqualTo(dir.resolve("tls.crt"));
        assertThat(config.server().tls().requiresClientCertificate()).isTrue();
        assertThat(config.admin().tls()).isNull();
        UpstreamConfig api = config.upstreams().get("api");
        assertThat(api.tls().caFile()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(api.tls().trust()).isEqualTo(TrustMode.ADD);
        assertThat(api.egressProxy().password().value()).isEqualTo("hunter2");
        assertThat(config.toString()).doesNotContain("hunter2");
    }

    @Test
    void refusesIncompleteOrContradictorySettingsAtTheirLines() throws Exception {
        Files.writeString(dir.resolve("tls.crt"), "x");
        assertThat(problems("server:\n  tls: { certFile: tls.crt }\n", "")).containsExactly(
                "2:3: server.tls.keyFile: required: the certificate's private key (PEM)");
        assertThat(problems("", "    tls: { trust: replace }\n")).containsExactly(
                "4:19: upstreams.api.tls.trust: replace needs a caFile: the CAs that replace the default ones");
        assertThat(problems("", "    egressProxy: \"socks5://svc:hunter2@proxy:1080\"\n")).containsExactly(
                "4:18: upstreams.api.egressProxy: only http:// egress proxies are supported (https upstreams still get "
                        + "end-to-end TLS through their CONNECT tunnel)");
    }

    @Test
    void readsTheRedisStoresTlsAndSentinelCredentialsAndHidesTheSentinelPassword() throws Exception {
        Files.writeString(dir.resolve("redis-ca.pem"), "x");
        Files.writeString(dir.resolve("replica.crt"), "x");
        Files.writeString(dir.resolve("replica.key"), "x");

        ProxyConfig config = ConfigFiles.load(dir, """
                store:
                  type: redis
                  redis:
                    uri: "rediss-sentinel://:${REDIS_PASSWORD}@10.0.0.7:26380/mymaster"
                    tls: { caFile: redis-ca.pem, serverName: redis.internal, certFile: replica.crt, keyFile: replica.key }
                    sentinel: { user: watcher, password: "${SENTINEL_PASSWORD}" }
                """ + ConfigFiles.MINIMAL, Map.of("REDIS_PASSWORD", "hunter2", "SENTINEL_PASSWORD", "sentinel-s3cret"));

        RedisConfig redis = config.store().redis();
        assertThat(redis.tls().caFile()).isEqualTo(dir.resolve("redis-ca.pem"));
        assertThat(redis.tls().serverName()).isEqualTo("redis.internal");
        assertThat(redis.tls().trust()).isEqualTo(TrustMode.ADD);
        assertThat(redis.tls().presentsCertificate()).isTrue();
        assertThat(redis.tls().keyFile()).isEqualTo(dir.resolve("replica.key"));
        assertThat(redis.sentinel().user()).isEqualTo("watcher");
        assertThat(redis.sentinel().password()).isEqualTo("sentinel-s3cret");
        assertThat(config.toString()).doesNotContain("hunter2", "sentinel-s3cret");
    }

    @Test
    void refusesRedisTlsWithoutARedissUriAndSentinelCredentialsWithoutASentinelUri() throws Exception {
        Files.writeString(dir.resolve("replica.crt"), "x");
        assertThat(problems("""
                store:
                  redis:
                    uri: "redis://h:6379"
                    tls: { serverName: redis.internal }
                    sentinel: { password: "hunter2" }
                """, "")).containsExactly(
                "4:5: store.redis.tls: only with a TLS uri (rediss://, rediss-sentinel:// or rediss-cluster://)",
                "5:5: store.redis.sentinel: only with a Sentinel uri (redis-sentinel:// or rediss-sentinel://)");
        assertThat(problems("""
                store:
                  redis:
                    uri: "rediss://h:6379"
                    tls: { certFile: replica.crt, serverName: "not a name" }
                """, "")).containsExactlyInAnyOrder(
                "4:5: store.redis.tls.keyFile: required with certFile: its private key (PEM)",
                "4:47: store.redis.tls.serverName: must be a host name (letters, digits, '.', '-'), "
                        + "like redis.internal.example.com");
        assertThat(problems("""
                store:
                  redis:
                    uri: "redis-sentinel://s1/mymaster"
                    sentinel: { user: watcher }
                """, "")).containsExactly(
                "4:5: store.redis.sentinel.password: required: the sentinels' password (requirepass, or the ACL user's)");
    }

    @Test
    void http2IsOffUnlessAutoAndABareOffReadsAsOff() throws Exception {
        String upstreams = "upstreams:\n  a: { url: \"https://a.example\" }\n  b: { url: \"https://b.example\", http2: auto }\n"
                + "  c: { url: \"https://c.example\", http2: off }\n  d: { url: \"https://d.example\", http2: \"off\" }\n"
                + "routes:\n  - match: { pathPrefix: \"/\" }\n    upstream: a\n";
        Map<String, UpstreamConfig> loaded = ConfigFiles.load(dir, upstreams, Map.of()).upstreams();

        assertThat(loaded.get("a").http2()).isEqualTo(Http2Mode.OFF);
        assertThat(loaded.get("b").http2()).isEqualTo(Http2Mode.AUTO);
        assertThat(loaded.get("c").http2()).as("YAML 1.1 reads a bare off as false").isEqualTo(Http2Mode.OFF);
        assertThat(loaded.get("d").http2()).isEqualTo(Http2Mode.OFF);
        assertThat(problems("", "    http2: on\n")).containsExactly("4:12: upstreams.api.http2: expected auto | off, got 'true'");
        assertThat(problems("", "    http2: h2c\n")).containsExactly("4:12: upstreams.api.http2: expected auto | off, got 'h2c'");
    }

    /** Errors of a file with {@code head} before the upstreams and {@code upstreamKeys} under upstreams.api. */
    private List<String> problems(String head, String upstreamKeys) {
        String url = "    url: \"https://api.example.com\"\n";
        List<ConfigError> errors = errors(dir, head + ConfigFiles.MINIMAL.replace(url, url + upstreamKeys), Map.of());
        assertThat(errors.toString()).doesNotContain("hunter2");
        return located(errors);
    }
}

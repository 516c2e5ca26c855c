package dev.rlproxy.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rlproxy.core.config.FailureMode;
import dev.rlproxy.core.config.RedisConfig;
import dev.rlproxy.core.config.RedisSentinelConfig;
import dev.rlproxy.core.config.RedisTlsConfig;
import dev.rlproxy.core.config.StoreConfig;
import dev.rlproxy.core.config.StoreType;
import dev.rlproxy.core.metrics.StoreMetrics;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.server.it.CapturedLogs;
import dev.rlproxy.server.tls.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Sentinels with a password of their own ({@code requirepass}, ACL users) distinct from the
 * master's, as {@code store.redis.sentinel} gives it, against real {@code redis-server --sentinel}
 * processes; over plain connections and over TLS; and that password kept out of status and logs.
 */
class RedisSentinelAuthTest {

    private static final String MASTER_PASSWORD = "m-s3cret";
    private static final String SENTINEL_PASSWORD = "s-s3cret";
    private static final String WATCHER_PASSWORD = "w-s3cret";
    /** Sentinel's own password and an ACL user on it (Sentinel takes both since Redis 6.2). */
    private static final List<String> SENTINEL_AUTH = List.of("requirepass " + SENTINEL_PASSWORD,
            "user watcher on >" + WATCHER_PASSWORD + " allchannels +@all");

    @TempDir
    Path dir;

    @Test
    void sentinelsWithAPasswordOfTheirOwnAreAskedWithItByTheDefaultOrAnAclUser() throws Exception {
        try (RedisServerProcess master = RedisServerProcess.withArgs(List.of("--requirepass", MASTER_PASSWORD));
             RedisServerProcess sentinel = RedisServerProcess.sentinel(master, "mymaster", MASTER_PASSWORD,
                     SENTINEL_AUTH, null)) {
            String uri = "redis-sentinel://:" + MASTER_PASSWORD + "@127.0.0.1:" + sentinel.port() + "/mymaster";
            try (UnifiedJedis byPassword = RedisClients.create(config(uri,
                    new RedisSentinelConfig(null, SENTINEL_PASSWORD), null));
                 UnifiedJedis byAclUser = RedisClients.create(config(uri,
                         new RedisSentinelConfig("watcher", WATCHER_PASSWORD), null))) {
                assertThat(((RedisSentinelClient) byPassword).getCurrentMaster().getPort()).isEqualTo(master.port());
                byPassword.set("asked", "with the sentinels' password");
                assertThat(byAclUser.get("asked")).isEqualTo("with the sentinels' password");
            }
            assertThatThrownBy(() -> RedisClients.create(config(uri, null, null)).close())
                    .as("the sentinels refuse a client without their password").isInstanceOf(JedisException.class);
            try (Jedis direct = new Jedis(master.host(), master.port())) {
                direct.auth(MASTER_PASSWORD);
                assertThat(direct.get("asked")).isEqualTo("with the sentinels' password");
            }
        }
    }

    @Test
    void overTlsSentinelsWithTheirOwnPasswordLeadToTheTlsMaster() throws Exception {
        TestPki.Issued ca = TestPki.ca("Redis Test CA");
        Path caFile = TestPki.writeCertificates(dir.resolve("ca.pem"), ca.certificate());
        TestPki.Issued server = TestPki.server(ca, "redis.internal");
        RedisServerProcess.Tls files = new RedisServerProcess.Tls(
                TestPki.writeCertificates(dir.resolve("server.pem"), server.certificate()),
                TestPki.writePkcs8Key(dir.resolve("server.key"), server.keys().getPrivate()), caFile);
        try (RedisServerProcess master = RedisServerProcess.withTls(files,
                List.of("--tls-auth-clients", "no", "--requirepass", MASTER_PASSWORD));
             RedisServerProcess sentinel = RedisServerProcess.sentinel(master, "mymaster", MASTER_PASSWORD,
                     SENTINEL_AUTH, files);
             UnifiedJedis client = RedisClients.create(config(
                     "rediss-sentinel://:" + MASTER_PASSWORD + "@127.0.0.1:" + sentinel.tlsPort() + "/mymaster",
                     new RedisSentinelConfig(null, SENTINEL_PASSWORD),
                     new RedisTlsConfig(caFile, "redis.internal", null, null, null)))) {
            assertThat(((RedisSentinelClient) client).getCurrentMaster().getPort())
                    .as("the master's TLS port, as the sentinel watches it").isEqualTo(master.tlsPort());
            client.set("over", "tls");
            try (Jedis direct = new Jedis(master.host(), master.port())) {
                direct.auth(MASTER_PASSWORD);
                assertThat(direct.get("over")).isEqualTo("tls");
            }
        }
    }

    @Test
    void theSentinelPasswordIsNeverInStatusConfigOrLogsAlsoWhenItIsWrong() throws Exception {
        ManualScheduler scheduler = new ManualScheduler(new ManualClock());
        try (RedisServerProcess master = RedisServerProcess.withArgs(List.of("--requirepass", MASTER_PASSWORD));
             RedisServerProcess sentinel = RedisServerProcess.sentinel(master, "mymaster", MASTER_PASSWORD,
                     SENTINEL_AUTH, null);
             CapturedLogs logs = new CapturedLogs()) {
            String uri = "redis-sentinel://:" + MASTER_PASSWORD + "@127.0.0.1:" + sentinel.port() + "/mymaster";
            RedisConfig right = config(uri, new RedisSentinelConfig(null, SENTINEL_PASSWORD), null);
            RedisConfig wrong = config(uri, new RedisSentinelConfig("watcher", "not-" + SENTINEL_PASSWORD), null);
            try (StoreBackend good = StoreBackend.open(store(right), new ManualClock(), scheduler, StoreMetrics.NONE);
                 StoreBackend bad = StoreBackend.open(store(wrong), new ManualClock(), scheduler, StoreMetrics.NONE)) {
                assertThat(good.available()).isTrue();
                assertThat(bad.available()).as("refused by the sentinels").isFalse();
                assertThat(good.status().uri()).isEqualTo(
                        "redis-sentinel://***@127.0.0.1:" + sentinel.port() + "/mymaster");
                for (Object shown : List.of(good.status(), bad.status(), right, wrong, bad.notReadyReason())) {
                    assertThat(shown.toString()).doesNotContain(SENTINEL_PASSWORD, MASTER_PASSWORD);
                }
            }
            assertThat(logs.lines()).as("the refusal was logged").anyMatch(line -> line.contains("is unavailable"))
                    .allSatisfy(line -> assertThat(line).doesNotContain(SENTINEL_PASSWORD, MASTER_PASSWORD));
        }
    }

    private static StoreConfig store(RedisConfig redis) {
        return new StoreConfig(StoreType.REDIS, redis);
    }

    private static RedisConfig config(String uri, RedisSentinelConfig sentinel, RedisTlsConfig tls) {
        return new RedisConfig(uri, FailureMode.FAIL_CLOSED, 1, Duration.ofSeconds(2), Duration.ofSeconds(2), 1,
                null, tls, sentinel);
    }
}

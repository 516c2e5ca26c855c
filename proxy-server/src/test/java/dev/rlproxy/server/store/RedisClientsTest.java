package dev.rlproxy.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rlproxy.core.config.RedisConfig;
import dev.rlproxy.core.metrics.StoreMetrics;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.server.tls.RedisTrust;
import dev.rlproxy.server.tls.RedisTrust.ClientTls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.SafeEncoder;

/** Each client form {@code store.redis.uri} names, against real {@code redis-server} processes. */
class RedisClientsTest {

    @Test
    void standaloneWithAnAclUserAndPasswordAndADatabase() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.withArgs(List.of(
                "--requirepass", "default-s3cret", "--user", "rlproxy", "on", ">app-s3cret", "~*", "+@all"))) {
            String where = "127.0.0.1:" + redis.port();
            try (UnifiedJedis app = RedisClients.create(config("redis://rlproxy:app-s3cret@" + where + "/3"));
                 UnifiedJedis byDefaultUser = RedisClients.create(config("redis://:default-s3cret@" + where))) {
                app.set("k", "from-db-3");
                assertThat(whoAmI(app)).isEqualTo("rlproxy");
                assertThat(whoAmI(byDefaultUser)).isEqualTo("default");
                assertThat(byDefaultUser.get("k")).as("database 0 is another keyspace").isNull();
            }
            try (UnifiedJedis wrong = RedisClients.create(config("redis://rlproxy:not-it@" + where))) {
                assertThatThrownBy(wrong::ping).isInstanceOf(JedisException.class)
                        .satisfies(e -> assertThat(messages(e)).doesNotContain("not-it"));
            }
        }
    }

    @Test
    void sentinelFindsThePasswordProtectedMaster() throws Exception {
        try (RedisServerProcess master = RedisServerProcess.withArgs(List.of("--requirepass", "m-s3cret"));
             RedisServerProcess sentinel = RedisServerProcess.sentinel(master, "mymaster", "m-s3cret")) {
            UnifiedJedis client = RedisClients.create(config(
                    "redis-sentinel://:m-s3cret@127.0.0.1:" + sentinel.port() + "/mymaster"));
            try (client) {
                assertThat(client).isInstanceOf(RedisSentinelClient.class);
                assertThat(((RedisSentinelClient) client).getCurrentMaster().getPort()).isEqualTo(master.port());
                client.set("through", "sentinel");
            }
            try (Jedis direct = new Jedis(master.host(), master.port())) {
                direct.auth("m-s3cret");
                assertThat(direct.get("through")).isEqualTo("sentinel");
            }
        }
    }

    @Test
    void afterASentinelFailoverTheGatewayFindsTheNewMaster() throws Exception {
        try (RedisServerProcess master = RedisServerProcess.start();
             RedisServerProcess replica = RedisServerProcess.withArgs(List.of("--replicaof", "127.0.0.1",
                     Integer.toString(master.port())));
             RedisServerProcess sentinel = RedisServerProcess.sentinel(master, "mymaster", null)) {
            ManualClock clock = new ManualClock();
            ManualScheduler scheduler = new ManualScheduler(clock);
            RedisConfig sentinelConfig = config("redis-sentinel://127.0.0.1:" + sentinel.port() + "/mymaster");
            try (RedisGateway gateway = new RedisGateway(() -> RedisClients.create(sentinelConfig),
                    sentinelConfig.redactedUri(), scheduler, 1, 10, Duration.ofSeconds(1).toNanos(), StoreMetrics.NONE)) {
                assertThat(gateway.call("set", j -> j.set("before", "failover")).get()).isEqualTo("OK");
                await().atMost(Duration.ofSeconds(20)).until(() -> sentinelKnowsReplica(sentinel)
                        && "failover".equals(read(replica, "before"))); // replication is asynchronous

                master.kill();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    scheduler.advanceNanos(Duration.ofSeconds(1).toNanos());
                    return gateway.call("set", j -> j.set("after", "failover")).handle((ok, e) -> e == null).join();
                });
            }
            try (Jedis promoted = new Jedis(replica.host(), replica.port())) {
                assertThat(promoted.get("after")).as("written to the promoted replica").isEqualTo("failover");
                assertThat(promoted.get("before")).isEqualTo("failover");
            }
        }
    }

    @Test
    void clusterOfThreeNodesRunsAMultiKeyScriptOnHashTaggedKeys() throws Exception {
        try (RedisClusterProcesses nodes = RedisClusterProcesses.start(3)) {
            String seeds = "127.0.0.1:" + nodes.nodes().get(0).port() + ",127.0.0.1:" + nodes.nodes().get(1).port();
            RedisScript script = RedisScript.fromResource("test-echo-keys");
            try (UnifiedJedis cluster = RedisClients.create(config("redis-cluster://" + seeds))) {
                assertThat(cluster).isInstanceOf(RedisClusterClient.class);
                assertThat(((RedisClusterClient) cluster).getClusterNodes()).hasSize(3);
                List<Integer> ports = new ArrayList<>();
                for (String tag : List.of("a", "b", "c", "d", "e", "f")) {
                    List<String> keys = List.of("rlproxy:{" + tag + "}:one", "rlproxy:{" + tag + "}:two");
                    assertThat(script.eval(cluster, keys, List.of(tag))).isEqualTo(List.of(2L, tag));
                    cluster.set(keys.get(0), tag);
                    ports.add(nodes.owner(keys.get(0)));
                }
                assertThat(ports).as("the six tags land on all three nodes")
                        .containsOnly(nodes.nodes().stream().map(RedisServerProcess::port).toArray(Integer[]::new))
                        .satisfies(p -> assertThat(p.stream().distinct().count()).isEqualTo(3));
            }
        }
    }

    @Test
    void tlsCredentialsDatabaseAndTimeoutsReachTheClientConfig() {
        RedisConfig config = new RedisConfig("rediss://app:pw@redis.example.com:6380/2", null, 1,
                Duration.ofMillis(300), Duration.ofMillis(700), 3, null);
        ClientTls tls = RedisTrust.client(config.tls());
        var dataNodes = RedisClients.dataNodes(config, config.parsedUri(), tls);
        assertThat(dataNodes.isSsl()).isTrue();
        assertThat(dataNodes.getSslSocketFactory()).isSameAs(tls.socketFactory());
        assertThat(dataNodes.getSslParameters().getEndpointIdentificationAlgorithm())
                .as("hostname verification").isEqualTo("HTTPS");
        assertThat(dataNodes.getUser()).isEqualTo("app");
        assertThat(dataNodes.getPassword()).isEqualTo("pw");
        assertThat(dataNodes.getDatabase()).isEqualTo(2);
        assertThat(dataNodes.getSocketTimeoutMillis()).isEqualTo(300);
        assertThat(dataNodes.getConnectionTimeoutMillis()).isEqualTo(700);
        var sentinels = RedisClients.sentinels(config, tls);
        assertThat(sentinels.getPassword()).as("sentinels are asked without the data nodes' password").isNull();
        assertThat(sentinels.isSsl()).isTrue();
        assertThat(RedisClients.dataNodes(config("redis://h"), config("redis://h").parsedUri(), null).isSsl()).isFalse();
    }

    private static RedisConfig config(String uri) {
        return new RedisConfig(uri, null, 1, Duration.ofSeconds(2), Duration.ofSeconds(2), 2, null);
    }

    private static String read(RedisServerProcess node, String key) {
        try (Jedis jedis = new Jedis(node.host(), node.port())) {
            return jedis.get(key);
        }
    }

    private static boolean sentinelKnowsReplica(RedisServerProcess sentinel) {
        try (Jedis jedis = new Jedis(sentinel.host(), sentinel.port())) {
            return !jedis.sentinelReplicas("mymaster").isEmpty();
        }
    }

    private static String whoAmI(UnifiedJedis client) {
        return SafeEncoder.encode((byte[]) client.sendCommand(Protocol.Command.ACL, "WHOAMI"));
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}

package dev.rlproxy.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** The test fixture itself: a real server that tests can kill, restart, pause and resume. */
class RedisServerProcessTest {

    @Test
    void servesThenSurvivesKillRestartAndPause() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            HostAndPort address = new HostAndPort(redis.host(), redis.port());
            DefaultJedisClientConfig config = DefaultJedisClientConfig.builder().socketTimeoutMillis(300).build();
            try (Jedis jedis = new Jedis(address, config)) {
                jedis.set("k", "v");
                assertThat(jedis.get("k")).isEqualTo("v");
            }

            redis.kill();
            assertThat(redis.isAlive()).isFalse();
            redis.restart();
            try (Jedis jedis = new Jedis(address, config)) {
                assertThat(jedis.get("k")).as("no persistence: a killed server forgets").isNull();

                redis.pause();
                assertThatThrownBy(jedis::ping).isInstanceOf(JedisConnectionException.class);
                redis.resume();
            }
            try (Jedis jedis = new Jedis(address, config)) {
                assertThat(jedis.ping()).isEqualTo("PONG");
            }
        }
    }
}

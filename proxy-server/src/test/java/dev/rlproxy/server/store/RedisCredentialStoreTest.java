package dev.rlproxy.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.core.tokens.CredentialStore;
import dev.rlproxy.core.tokens.CredentialStoreContract;
import dev.rlproxy.core.tokens.GeneratedCredential;
import dev.rlproxy.core.tokens.Secret;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The credential store contract against a real Redis, plus what only Redis shows: keys, TTLs, hash tags. */
class RedisCredentialStoreTest extends CredentialStoreContract {

    private RedisServerProcess redis;
    private RedisGateway gateway;
    private RedisClient direct;
    private CredentialStore store;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServerProcess.start();
        ManualClock clock = new ManualClock();
        gateway = new RedisGateway(RedisClient.create(redis.host(), redis.port()), redis.uri(),
                new ManualScheduler(clock), 2, 100, 1_000_000_000L);
        direct = RedisClient.create(redis.host(), redis.port());
        store = new RedisCredentialStore(gateway);
    }

    @AfterEach
    void stop() {
        direct.close();
        gateway.close();
        redis.close();
    }

    @Override
    protected CredentialStore store() {
        return store;
    }

    @Test
    void tokenAndLockKeysShareAHashTagAndExpire() {
        String name = "api/oauth2/{odd}";
        store.write(name, new GeneratedCredential(Secret.of("t"), Instant.parse("2030-01-01T00:00:00Z")), TTL).join();
        store.tryLock(name, "replica-1", HOLD).join();

        assertThat(RedisCredentialStore.key(name)).isEqualTo("rlproxy:credential:{api/oauth2/odd}");
        assertThat(RedisCredentialStore.lockKey(name)).isEqualTo("rlproxy:credential:{api/oauth2/odd}:lock");
        assertThat(direct.pttl(RedisCredentialStore.key(name))).isBetween(1L, TTL.toMillis());
        assertThat(direct.pttl(RedisCredentialStore.lockKey(name))).isBetween(1L, HOLD.toMillis());
        assertThat(direct.get(RedisCredentialStore.key(name))).isEqualTo(
                Instant.parse("2030-01-01T00:00:00Z").toEpochMilli() + ":t");
    }

    @Test
    void aValueThatIsNotOursReadsAsNothing() {
        direct.set(RedisCredentialStore.key("x"), "garbage");
        assertThat(store.read("x").join()).isEmpty();
    }
}

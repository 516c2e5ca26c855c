package dev.rlproxy.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.store.StoreTime;
import dev.rlproxy.core.store.TokenPoolStore;
import dev.rlproxy.core.store.TokenPoolStoreContract;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The token-pool contract against a real redis-server, plus keys, TTLs and no token values. */
class RedisTokenPoolStoreTest extends TokenPoolStoreContract {

    @RegisterExtension
    static final RedisStoreFixture fixture = new RedisStoreFixture();
    private RedisTokenPoolStore store;

    @Override
    protected RedisTokenPoolStore store() {
        if (store == null) {
            store = new RedisTokenPoolStore(fixture.gateway(), 60_000);
        }
        return store;
    }

    @Override
    protected StoreTime time() {
        return RedisStoreFixture.REDIS_TIME;
    }

    @Test
    void onePoolIsOneHashTaggedKeyWithATtlHoldingFingerprintsOnly() {
        store().reconcile("git{hub}", Set.of("sha256:aaaaaaaa")).join();
        store().sync("git{hub}", "r1", List.of(), Map.of("sha256:aaaaaaaa", 1),
                new TokenPoolStore.TokenTiming(0, 30_000)).join();
        RedisGateway gateway = fixture.gateway();
        assertThat(gateway.call("keys", j -> j.keys("*")).join()).containsExactly("rlproxy:tp:{git(hub)}");
        assertThat(gateway.call("pttl", j -> j.pttl("rlproxy:tp:{git(hub)}")).join()).isBetween(1L, 60_000L);
        assertThat(gateway.call("hkeys", j -> j.hkeys("rlproxy:tp:{git(hub)}")).join()).containsExactly("sha256:aaaaaaaa");
    }
}

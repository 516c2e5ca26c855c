package dev.rlproxy.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.store.LearnedWindowStoreContract;
import dev.rlproxy.core.store.StoreTime;
import dev.rlproxy.core.store.WindowSync;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The learned-window contract against a real redis-server, plus what only Redis has: keys and TTLs. */
class RedisLearnedWindowStoreTest extends LearnedWindowStoreContract {

    @RegisterExtension
    static final RedisStoreFixture fixture = new RedisStoreFixture();
    private RedisLearnedWindowStore store;

    @Override
    protected RedisLearnedWindowStore store() {
        if (store == null) {
            store = new RedisLearnedWindowStore(fixture.gateway(), STALE_MILLIS, 60_000);
        }
        return store;
    }

    @Override
    protected StoreTime time() {
        return RedisStoreFixture.REDIS_TIME;
    }

    @Test
    void oneHashTaggedKeyPerBucketWithATtlAndNoTokenInIt() {
        store().sync(new WindowSync("github|sha256:1a2b3c4d/route:GET /{x}", "r1", 1, 0, 0,
                List.of(), -1, null, new WindowSync.WindowTiming(0, 60_000))).join();
        var keys = fixture.gateway().call("keys", j -> j.keys("*")).join();
        assertThat(keys).containsExactly("rlproxy:lw:{github|sha256:1a2b3c4d/route:GET /(x)}");
        long ttl = fixture.gateway().call("pttl", j -> j.pttl(keys.iterator().next())).join();
        assertThat(ttl).isBetween(1L, 60_000L);
    }
}

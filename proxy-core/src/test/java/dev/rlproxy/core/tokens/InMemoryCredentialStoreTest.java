package dev.rlproxy.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.time.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryCredentialStoreTest extends CredentialStoreContract {

    private final ManualClock clock = new ManualClock();
    private final CredentialStore store = CredentialStore.inMemory(clock);

    @Override
    protected CredentialStore store() {
        return store;
    }

    @Test
    void entriesAndLocksExpireLikeRedisKeys() {
        store.write("a", new GeneratedCredential(Secret.of("t"), Instant.parse("2030-01-01T00:00:00Z")), TTL)
                .join();
        assertThat(store.tryLock("a", "replica-1", HOLD).join()).isTrue();
        clock.advance(HOLD);
        assertThat(store.tryLock("a", "replica-2", HOLD).join()).as("a lock held past its hold is free").isTrue();
        clock.advance(TTL);
        assertThat(store.read("a").join()).isEmpty();
    }
}

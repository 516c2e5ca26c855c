package dev.rlproxy.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CredentialStore} does, run against the in-memory store here and against Redis
 * in proxy-server: a subclass supplies a fresh, empty store.
 */
public abstract class CredentialStoreContract {

    protected static final Duration HOLD = Duration.ofSeconds(30);
    protected static final Duration TTL = Duration.ofMinutes(5);
    private static final GeneratedCredential TOKEN = new GeneratedCredential(Secret.of("contract-token"),
            Instant.parse("2030-01-01T00:00:00Z"));

    /** A store with nothing in it, shared by the calls of one test. */
    protected abstract CredentialStore store();

    @Test
    void readsNothingBeforeAWrite() {
        assertThat(store().read("api/oauth2/a").join()).isEmpty();
    }

    @Test
    void readsTheTokenAndExpiryThatWereWritten() {
        CredentialStore store = store();
        store.write("api/oauth2/a", TOKEN, TTL).join();
        GeneratedCredential read = store.read("api/oauth2/a").join().orElseThrow();
        assertThat(read.token()).isEqualTo(TOKEN.token());
        assertThat(read.expiresAt()).isEqualTo(TOKEN.expiresAt());
        assertThat(store.read("api/oauth2/b").join()).as("another name").isEmpty();
    }

    @Test
    void oneOwnerHoldsTheLockUntilItUnlocks() {
        CredentialStore store = store();
        assertThat(store.tryLock("api/oauth2/a", "replica-1", HOLD).join()).isTrue();
        assertThat(store.tryLock("api/oauth2/a", "replica-2", HOLD).join()).isFalse();
        assertThat(store.tryLock("api/oauth2/b", "replica-2", HOLD).join()).as("another name").isTrue();

        store.unlock("api/oauth2/a", "replica-2").join();
        assertThat(store.tryLock("api/oauth2/a", "replica-3", HOLD).join()).as("only the owner unlocks").isFalse();

        store.unlock("api/oauth2/a", "replica-1").join();
        assertThat(store.tryLock("api/oauth2/a", "replica-2", HOLD).join()).isTrue();
    }
}

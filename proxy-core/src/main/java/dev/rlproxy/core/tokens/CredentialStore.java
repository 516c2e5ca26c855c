package dev.rlproxy.core.tokens;

import dev.rlproxy.core.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where generated tokens are kept so that replicas share them: one replica fetches a token while
 * holding a short lock, stores it, and the others read it ({@link SharedCredentialGenerator}).
 * In memory ({@link #inMemory}) there is one process and nothing to share; with Redis every
 * replica sees the same token. The stored value is the token itself: whoever can read the store
 * can read the tokens, so the store must be protected like them.
 *
 * <p>Every call answers with a future and must not block. A future that fails means the store
 * could not be asked; callers then fetch their own token, as a single proxy does.
 */
public interface CredentialStore {

    /** The token stored under {@code name}, if there is one that has not expired. */
    CompletableFuture<Optional<GeneratedCredential>> read(String name);

    /** Takes the lock on {@code name} for {@code owner} unless someone holds it; true if taken. */
    CompletableFuture<Boolean> tryLock(String name, String owner, Duration hold);

    /** Stores {@code credential} under {@code name} for {@code ttl} (a little less than its lifetime). */
    CompletableFuture<Void> write(String name, GeneratedCredential credential, Duration ttl);

    /** Releases the lock on {@code name} if {@code owner} still holds it. */
    CompletableFuture<Void> unlock(String name, String owner);

    /** The single-process store: a map, timed by {@code clock}. */
    static CredentialStore inMemory(Clock clock) {
        return new InMemoryCredentialStore(clock);
    }
}

package dev.rlproxy.core.tokens;

import dev.rlproxy.core.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** {@link CredentialStore} in one process: entries and locks expire by the clock, like Redis keys with a TTL. */
final class InMemoryCredentialStore implements CredentialStore {

    private record Entry<T>(T value, long expiresAtNanos) {
    }

    private final Clock clock;
    private final Map<String, Entry<GeneratedCredential>> credentials = new ConcurrentHashMap<>();
    private final Map<String, Entry<String>> locks = new ConcurrentHashMap<>();

    InMemoryCredentialStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Optional<GeneratedCredential>> read(String name) {
        Entry<GeneratedCredential> entry = credentials.get(name);
        return CompletableFuture.completedFuture(live(entry) ? Optional.of(entry.value()) : Optional.empty());
    }

    @Override
    public CompletableFuture<Boolean> tryLock(String name, String owner, Duration hold) {
        Entry<String> mine = new Entry<>(owner, clock.nanoTime() + hold.toNanos());
        Entry<String> now = locks.compute(name, (n, held) -> live(held) ? held : mine);
        return CompletableFuture.completedFuture(now == mine);
    }

    @Override
    public CompletableFuture<Void> write(String name, GeneratedCredential credential, Duration ttl) {
        credentials.put(name, new Entry<>(credential, clock.nanoTime() + ttl.toNanos()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> unlock(String name, String owner) {
        locks.computeIfPresent(name, (n, held) -> held.value().equals(owner) ? null : held);
        return CompletableFuture.completedFuture(null);
    }

    private boolean live(Entry<?> entry) {
        return entry != null && clock.nanoTime() < entry.expiresAtNanos();
    }
}

package dev.rlproxy.core.tokens;

import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.time.Scheduler;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CredentialGenerator} that fetches a token once for every replica sharing a
 * {@link CredentialStore}: a refresh first reads the store, and takes a token newer than the last
 * one it returned; otherwise it takes the store's short lock and fetches (then stores the token
 * with a TTL just under its lifetime), or, while another replica holds the lock, reads again every
 * poll interval until that replica's token appears. So each token lifetime costs one request to
 * the token endpoint for the whole cluster.
 *
 * <p>A failing token endpoint fails the refresh as before ({@link RefreshingCredential} keeps the
 * old token while it is valid and retries); the lock is released so the next attempt, by any
 * replica, may try. A store that cannot be asked (Redis down) is no reason to stop serving: the
 * replica then fetches its own token, as a single proxy does.
 */
public final class SharedCredentialGenerator implements CredentialGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(SharedCredentialGenerator.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The stored copy vanishes a little before the token expires, at most this much. */
    static final Duration MAX_TTL_MARGIN = Duration.ofSeconds(5);

    /**
     * @param lockHold     how long the fetching replica holds the lock: longer than one token request may take
     * @param pollInterval how often a replica waiting for another's token reads the store again
     */
    public record Settings(Duration lockHold, Duration pollInterval) {
        public Settings {
            if (lockHold == null || lockHold.isNegative() || lockHold.isZero()
                    || pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("lockHold and pollInterval must be positive");
            }
        }
    }

    private final String name;
    private final CredentialGenerator fetch;
    private final CredentialStore store;
    private final Settings settings;
    private final Clock clock;
    private final Scheduler scheduler;
    /** Identifies this replica's lock; random, so two replicas never take each other's. */
    private final String owner;
    /** Expiry of the token this generator last returned: a stored token must be newer to count. */
    private volatile long lastExpiryMillis = Long.MIN_VALUE;

    /**
     * @param name  the credential's name (as {@link RefreshingCredential}'s), the same on every replica
     * @param fetch what really asks the token endpoint
     */
    public SharedCredentialGenerator(String name, CredentialGenerator fetch, CredentialStore store, Settings settings,
                                     Clock clock, Scheduler scheduler) {
        if (name == null || fetch == null || store == null || settings == null || clock == null || scheduler == null) {
            throw new IllegalArgumentException("name, generator, store, settings, clock and scheduler are required");
        }
        this.name = name;
        this.fetch = fetch;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.scheduler = scheduler;
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        this.owner = HexFormat.of().formatHex(id);
    }

    @Override
    public CompletableFuture<GeneratedCredential> generate() {
        CompletableFuture<GeneratedCredential> result = new CompletableFuture<>();
        attempt(result, clock.nanoTime() + 2 * settings.lockHold().toNanos());
        return result.thenApply(credential -> {
            lastExpiryMillis = Math.max(lastExpiryMillis, credential.expiresAt().toEpochMilli());
            return credential;
        });
    }

    private void attempt(CompletableFuture<GeneratedCredential> result, long giveUpAtNanos) {
        store.read(name).whenComplete((stored, readError) -> {
            if (readError != null) {
                fetchAlone(result, readError);
            } else if (isNewerAndValid(stored)) {
                result.complete(stored.get());
            } else {
                store.tryLock(name, owner, settings.lockHold()).whenComplete((locked, lockError) -> {
                    if (lockError != null) {
                        fetchAlone(result, lockError);
                    } else if (locked) {
                        fetchAndShare(result);
                    } else if (clock.nanoTime() < giveUpAtNanos) {
                        scheduler.schedule(() -> attempt(result, giveUpAtNanos), settings.pollInterval().toNanos());
                    } else {
                        result.completeExceptionally(new IllegalStateException("another replica holds the refresh "
                                + "lock of '" + name + "' and has stored no new token"));
                    }
                });
            }
        });
    }

    private boolean isNewerAndValid(Optional<GeneratedCredential> stored) {
        if (stored.isEmpty()) {
            return false;
        }
        long expires = stored.get().expiresAt().toEpochMilli();
        return expires > lastExpiryMillis && expires > clock.wallMillis();
    }

    private void fetchAndShare(CompletableFuture<GeneratedCredential> result) {
        fetchSafely().whenComplete((credential, fetchError) -> {
            if (fetchError != null) {
                store.unlock(name, owner).whenComplete((ignored, e) -> result.completeExceptionally(fetchError));
                return;
            }
            Duration ttl = ttl(credential);
            CompletableFuture<Void> written = ttl.isZero() || ttl.isNegative()
                    ? CompletableFuture.completedFuture(null) : store.write(name, credential, ttl);
            written.exceptionally(writeError -> {
                LOG.debug("credential '{}': new token not shared ({})", name, writeError.toString());
                return null;
            }).thenCompose(ignored -> store.unlock(name, owner))
                    .whenComplete((ignored, e) -> result.complete(credential)); // our token is good either way
        });
    }

    /** The store could not be asked: fetch as if alone (each replica does, until the store is back). */
    private void fetchAlone(CompletableFuture<GeneratedCredential> result, Throwable storeError) {
        LOG.info("credential '{}': the credential store is unavailable ({}); fetching this replica's own token",
                name, (storeError instanceof CompletionException && storeError.getCause() != null
                        ? storeError.getCause() : storeError).getClass().getSimpleName());
        fetchSafely().whenComplete((credential, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(credential);
            }
        });
    }

    private CompletableFuture<GeneratedCredential> fetchSafely() {
        try {
            return fetch.generate();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Just under the token's remaining lifetime: a reader never gets a token about to expire unseen. */
    private Duration ttl(GeneratedCredential credential) {
        long remaining = credential.expiresAt().toEpochMilli() - clock.wallMillis();
        long margin = Math.max(1, Math.min(MAX_TTL_MARGIN.toMillis(), remaining / 10));
        return Duration.ofMillis(remaining - margin);
    }

    @Override
    public String toString() {
        return "SharedCredentialGenerator[" + name + ", " + fetch + "]";
    }
}

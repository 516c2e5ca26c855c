package dev.rlproxy.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Two replicas' credentials sharing one in-memory {@link CredentialStore}: one fetch per token
 * lifetime for both, the old token while the endpoint fails, and each its own while the store is gone.
 */
class SharedCredentialGeneratorTest {

    private static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final Duration REFRESH_BEFORE = Duration.ofMinutes(2);
    private static final SharedCredentialGenerator.Settings SETTINGS =
            new SharedCredentialGenerator.Settings(Duration.ofSeconds(30), Duration.ofMillis(500));

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    /** Fetches not answered yet, in order; the test answers them. */
    private final List<CompletableFuture<GeneratedCredential>> fetches = new ArrayList<>();
    private int minted;

    @Test
    void twoReplicasFetchOncePerLifetime() {
        CredentialStore store = CredentialStore.inMemory(clock);
        RefreshingCredential a = replica(store);
        RefreshingCredential b = replica(store);
        a.start();
        b.start();
        assertThat(fetches).as("b waits for a's fetch").hasSize(1);
        answer(0);
        scheduler.advanceNanos(Duration.ofSeconds(1).toNanos());
        assertThat(b.current()).isPresent().isEqualTo(a.current());

        scheduler.advanceNanos(LIFETIME.minus(REFRESH_BEFORE).toNanos()); // both timers fire
        assertThat(fetches).hasSize(2);
        answer(1);
        scheduler.advanceNanos(Duration.ofSeconds(1).toNanos());
        assertThat(a.current().map(Secret::value)).contains("token-2");
        assertThat(b.current()).isEqualTo(a.current());
        assertThat(fetches).as("one fetch per lifetime for both replicas").hasSize(2);
    }

    @Test
    void aFailingEndpointLeavesTheOldTokenServingUntilItExpires() {
        CredentialStore store = CredentialStore.inMemory(clock);
        RefreshingCredential a = replica(store);
        RefreshingCredential b = replica(store);
        a.start();
        b.start();
        answer(0);
        scheduler.advanceNanos(Duration.ofSeconds(1).toNanos());

        long untilExpiry = LIFETIME.minusSeconds(2).toNanos();
        long step = Duration.ofSeconds(10).toNanos();
        for (long passed = 0; passed < untilExpiry - step; passed += step) {
            scheduler.advanceNanos(step);
            fetches.stream().filter(f -> !f.isDone())
                    .forEach(f -> f.completeExceptionally(new IllegalStateException("token endpoint answered 503")));
            assertThat(a.current().map(Secret::value)).contains("token-1");
            assertThat(b.current().map(Secret::value)).contains("token-1");
        }
        assertThat(fetches.size()).as("refresh attempts were made and failed").isGreaterThan(2);
        scheduler.advanceNanos(step);
        assertThat(a.current()).as("expired, no replacement").isEmpty();
        assertThat(b.current()).isEmpty();
    }

    @Test
    void withTheStoreGoneEachReplicaFetchesItsOwn() {
        CredentialStore gone = new CredentialStore() {
            @Override
            public CompletableFuture<Optional<GeneratedCredential>> read(String name) {
                return CompletableFuture.failedFuture(new IllegalStateException("store unavailable"));
            }

            @Override
            public CompletableFuture<Boolean> tryLock(String name, String owner, Duration hold) {
                return CompletableFuture.failedFuture(new IllegalStateException("store unavailable"));
            }

            @Override
            public CompletableFuture<Void> write(String name, GeneratedCredential credential, Duration ttl) {
                return CompletableFuture.failedFuture(new IllegalStateException("store unavailable"));
            }

            @Override
            public CompletableFuture<Void> unlock(String name, String owner) {
                return CompletableFuture.failedFuture(new IllegalStateException("store unavailable"));
            }
        };
        RefreshingCredential a = replica(gone);
        RefreshingCredential b = replica(gone);
        a.start();
        b.start();
        assertThat(fetches).hasSize(2);
        answer(0);
        answer(1);
        assertThat(a.current().map(Secret::value)).contains("token-1");
        assertThat(b.current().map(Secret::value)).contains("token-2");
    }

    private RefreshingCredential replica(CredentialStore store) {
        CredentialGenerator fetch = () -> {
            CompletableFuture<GeneratedCredential> f = new CompletableFuture<>();
            fetches.add(f);
            return f;
        };
        SharedCredentialGenerator shared = new SharedCredentialGenerator("api/oauth2/test", fetch, store, SETTINGS,
                clock, scheduler);
        return new RefreshingCredential("api/oauth2/test", shared, REFRESH_BEFORE, clock, scheduler);
    }

    private void answer(int fetch) {
        minted++;
        fetches.get(fetch).complete(new GeneratedCredential(Secret.of("token-" + minted),
                Instant.ofEpochMilli(clock.wallMillis()).plus(LIFETIME)));
    }
}

package dev.rlproxy.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.store.InMemoryTokenPoolStore;
import dev.rlproxy.core.store.TokenPoolStore;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Three pools (replicas) of the same three tokens sharing their state through one store; manual time. */
class SharedTokenPoolsTest {

    private static final long MS = 1_000_000L;
    private static final Map<String, Long> LIMITS = Map.of("token-a", 100L, "token-b", 200L, "token-c", 300L);

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final InMemoryTokenPoolStore memory = new InMemoryTokenPoolStore(clock);
    private final AtomicBoolean storeDown = new AtomicBoolean();
    private final TokenPoolStore store = new TokenPoolStore() {
        @Override
        public CompletableFuture<Void> reconcile(String pool, Set<String> fingerprints) {
            return storeDown.get() ? CompletableFuture.failedFuture(new IllegalStateException("down"))
                    : memory.reconcile(pool, fingerprints);
        }

        @Override
        public CompletableFuture<Map<String, SharedTokenState>> sync(String pool, String replica, List<TokenReport> reports,
                                                                     Map<String, Integer> inFlight, TokenTiming timing) {
            return storeDown.get() ? CompletableFuture.failedFuture(new IllegalStateException("down"))
                    : memory.sync(pool, replica, reports, inFlight, timing);
        }
    };
    private final List<TokenPool> replicas = new ArrayList<>();
    private final Map<String, Long> usedByFingerprint = new HashMap<>();

    SharedTokenPoolsTest() {
        for (int i = 0; i < 3; i++) {
            TokenPool pool = new TokenPool("github", TokenPoolSettings.DEFAULTS, clock, scheduler,
                    new TokenPoolSharing(store, "replica-" + i, Duration.ofMillis(200), Duration.ofSeconds(30)));
            pool.reconcile(List.of(TokenSource.staticValues(List.of("token-a", "token-b", "token-c"))));
            replicas.add(pool);
        }
        scheduler.advanceNanos(500 * MS); // first syncs: the tokens are in the store
    }

    /** The upstream's answer for one more call with {@code fingerprint}: remaining after it, an hour's window. */
    private RateLimitObservation call(String fingerprint) {
        long used = usedByFingerprint.merge(fingerprint, 1L, Long::sum);
        long limit = LIMITS.entrySet().stream().filter(e -> Fingerprint.of(e.getKey()).equals(fingerprint))
                .findFirst().orElseThrow().getValue();
        return new RateLimitObservation(null, List.of(new RateLimitWindow("core", limit, Math.max(0, limit - used),
                clock.wallMillis() / 3_600_000 * 3_600_000 + 3_600_000)), false, false, -1);
    }

    @Test
    void eachReplicaTakesATokenUntouchedOnEveryReplicaFirst() {
        Set<String> taken = new HashSet<>();
        for (TokenPool pool : replicas) {
            taken.add(pool.checkout(0, Set.of()).join().fingerprint()); // kept in flight
            scheduler.advanceNanos(250 * MS); // one sync: the others now see it in flight
        }
        assertThat(taken).as("three replicas, three different tokens").hasSize(3);
    }

    @Test
    void callsSpreadOverTheTokensInProportionToTheirLimits() {
        for (int n = 0; n < 540; n++) { // 90% of the 600 calls the three tokens allow
            TokenLease lease = replicas.get(n % 3).checkout(0, Set.of()).join();
            lease.complete(200, call(lease.fingerprint()));
            scheduler.advanceNanos(20 * MS);
        }
        long total = usedByFingerprint.values().stream().mapToLong(Long::longValue).sum();
        LIMITS.forEach((token, limit) -> {
            double share = usedByFingerprint.getOrDefault(Fingerprint.of(token), 0L) / (double) total;
            System.out.printf("shared token pools: %s used %d of %d (share %.3f, limit share %.3f)%n", token,
                    usedByFingerprint.getOrDefault(Fingerprint.of(token), 0L), limit, share, limit / 600.0);
            assertThat(share).as(token).isCloseTo(limit / 600.0, org.assertj.core.data.Offset.offset(0.05));
            assertThat(usedByFingerprint.getOrDefault(Fingerprint.of(token), 0L)).as("never past its limit").isLessThanOrEqualTo(limit);
        });
        assertThat(replicas.get(0).status()).allSatisfy(s -> assertThat(s.remaining()).isBetween(0L, 40L));
        assertThat(TokenStatus.estimatedRemaining(replicas.get(1).status())).as("status estimate").isBetween(40L, 80L);
    }

    @Test
    void withTheStoreAwayCheckoutsGoOnLocallyAndTheSharedViewComesBack() {
        TokenLease held = replicas.get(0).checkout(0, Set.of()).join();
        scheduler.advanceNanos(250 * MS);
        storeDown.set(true);
        scheduler.advanceNanos(250 * MS);
        for (int n = 0; n < 30; n++) {
            TokenLease lease = replicas.get(n % 3).checkout(0, Set.of()).join();
            lease.complete(200, call(lease.fingerprint()));
            scheduler.advanceNanos(20 * MS);
        }
        storeDown.set(false);
        scheduler.advanceNanos(500 * MS);
        TokenStatus seenElsewhere = replicas.get(2).status().stream()
                .filter(s -> s.fingerprint().equals(held.fingerprint())).findFirst().orElseThrow();
        assertThat(seenElsewhere.remaining()).as("what replica 0's answers said reached replica 2").isNotEqualTo(-1);
        assertThat(usedByFingerprint.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(30);
    }
}

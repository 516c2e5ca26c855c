package dev.rlproxy.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.store.TokenPoolStore.SharedTokenState;
import dev.rlproxy.core.store.TokenPoolStore.TokenReport;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every {@link TokenPoolStore} does; run against the in-memory store (core) and Redis (server). */
public abstract class TokenPoolStoreContract {

    protected static final long STALE_MILLIS = 2_000;
    private static final TokenPoolStore.TokenTiming TIMING = new TokenPoolStore.TokenTiming(0, STALE_MILLIS);
    private static final String POOL = "github";

    /** A fresh, empty store. */
    protected abstract TokenPoolStore store();

    /** The store's clock. */
    protected abstract StoreTime time();

    private long nowMillis() {
        return time().nowMillis();
    }

    private void passTime(long millis) {
        time().passTime(millis);
    }

    private Map<String, SharedTokenState> sync(String replica, Map<String, Integer> inFlight, TokenReport... reports) {
        return store().sync(POOL, replica, List.of(reports), inFlight, TIMING).join();
    }

    private TokenReport report(String fp, long limit, long remaining, long resetInMillis) {
        return new TokenReport(fp, limit, remaining, nowMillis() + resetInMillis, -1);
    }

    @Test
    void reconcilingKeepsPresentTokensAddsNewOnesUntouchedAndDeletesTheRest() {
        store().reconcile(POOL, Set.of("sha256:aaaaaaaa", "sha256:bbbbbbbb")).join();
        sync("r1", Map.of(), report("sha256:aaaaaaaa", 5000, 4000, 3_600_000));

        store().reconcile(POOL, Set.of("sha256:aaaaaaaa", "sha256:cccccccc")).join();
        Map<String, SharedTokenState> view = sync("r2", Map.of());

        assertThat(view).containsOnlyKeys("sha256:aaaaaaaa", "sha256:cccccccc");
        assertThat(view.get("sha256:aaaaaaaa").remaining()).as("kept its state").isEqualTo(4000);
        assertThat(view.get("sha256:cccccccc").remaining()).as("new: untouched, nothing known").isEqualTo(-1);
    }

    @Test
    void inTheSameWindowTheLowerRemainingWinsAndALaterWindowIsTakenAsSaid() {
        store().reconcile(POOL, Set.of("sha256:aaaaaaaa")).join();
        sync("r1", Map.of(), report("sha256:aaaaaaaa", 5000, 3000, 3_600_000));
        sync("r2", Map.of(), report("sha256:aaaaaaaa", 5000, 3500, 3_600_000)); // an older answer
        assertThat(sync("r3", Map.of()).get("sha256:aaaaaaaa").remaining()).isEqualTo(3000);

        sync("r2", Map.of(), report("sha256:aaaaaaaa", 5000, 4990, 7_200_000));
        SharedTokenState next = sync("r3", Map.of()).get("sha256:aaaaaaaa");
        assertThat(next.remaining()).isEqualTo(4990);
        assertThat(next.limit()).isEqualTo(5000);
    }

    @Test
    void reportsOfTokensNotInThePoolAreIgnored() {
        store().reconcile(POOL, Set.of("sha256:aaaaaaaa")).join();
        Map<String, SharedTokenState> view = sync("r1", Map.of(), report("sha256:dddddddd", 10, 1, 60_000));
        assertThat(view).containsOnlyKeys("sha256:aaaaaaaa");
    }

    @Test
    void eachReplicaSeesTheOthersRequestsInFlightUntilTheyGoStale() {
        store().reconcile(POOL, Set.of("sha256:aaaaaaaa", "sha256:bbbbbbbb")).join();
        sync("r1", Map.of("sha256:aaaaaaaa", 3));
        sync("r2", Map.of("sha256:aaaaaaaa", 2, "sha256:bbbbbbbb", 1));

        Map<String, SharedTokenState> seenByR1 = sync("r1", Map.of("sha256:aaaaaaaa", 3));
        assertThat(seenByR1.get("sha256:aaaaaaaa").inFlightElsewhere()).isEqualTo(2);
        assertThat(seenByR1.get("sha256:bbbbbbbb").inFlightElsewhere()).isEqualTo(1);
        assertThat(sync("r3", Map.of()).get("sha256:aaaaaaaa").inFlightElsewhere()).isEqualTo(5);

        passTime(STALE_MILLIS + 200);
        assertThat(sync("r3", Map.of()).get("sha256:aaaaaaaa").inFlightElsewhere()).as("r1 and r2 went silent").isZero();
    }

    @Test
    void aPassedResetRestoresTheLimitAndASpentMarkHoldsUntilItsTime() {
        store().reconcile(POOL, Set.of("sha256:aaaaaaaa", "sha256:bbbbbbbb")).join();
        sync("r1", Map.of(), report("sha256:aaaaaaaa", 100, 0, 300),
                new TokenReport("sha256:bbbbbbbb", -1, -1, -1, nowMillis() + 60_000));
        Map<String, SharedTokenState> view = sync("r2", Map.of());
        assertThat(view.get("sha256:aaaaaaaa").remaining()).isZero();
        assertThat(view.get("sha256:bbbbbbbb").spentUntilMillis()).isGreaterThan(nowMillis() + 50_000);

        passTime(400);
        view = sync("r2", Map.of());
        assertThat(view.get("sha256:aaaaaaaa").remaining()).as("reset passed").isEqualTo(100);
        assertThat(view.get("sha256:aaaaaaaa").resetAtMillis()).isEqualTo(-1);
        assertThat(view.get("sha256:bbbbbbbb").spentUntilMillis()).as("still spent").isPositive();
    }
}

package dev.rlproxy.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BucketLeases} promises, run against each store (a subclass per store). Windows
 * are long (a minute) so nothing leaves them during a test unless a test lets time pass on purpose.
 */
public abstract class BucketLeasesContract {

    protected static final long VALIDITY_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    /** The store under test, with leases valid for {@link #VALIDITY_NANOS}. */
    protected abstract BucketLeases leases();

    /** Lets {@code nanos} pass on the store's clock. */
    protected abstract void letTimePass(long nanos);

    private Lease ask(String key, long limit, long per, int wanted) {
        return leases().lease(new LeaseRequest(key, limit, per, wanted, 0, 0, LeaseUsage.NONE)).join();
    }

    private Lease close(String key, long limit, long per, Lease lease, int carried, int wanted, LeaseUsage usage) {
        return leases().lease(new LeaseRequest(key, limit, per, wanted, carried, lease.id(), usage)).join();
    }

    /** Asks for {@code wanted} again and again until nothing more is granted; returns the total. */
    private long drain(String key, long limit, long per) {
        long total = 0;
        for (int i = 0; i < 100; i++) {
            Lease lease = ask(key, limit, per, 1_000);
            if (lease.fresh() == 0) {
                assertThat(lease.retryAfterNanos()).as("an empty answer says when to ask again").isPositive();
                return total;
            }
            total += lease.fresh();
        }
        throw new AssertionError("never ran out");
    }

    @Test
    void grantsNoMoreThanWantedAndNeverMoreThanTheLimitInTotal() {
        Lease first = ask("contract/total", 100, MINUTE, 10);
        assertThat(first.id()).isNotZero();
        assertThat(first.granted()).isEqualTo(first.fresh()).isEqualTo(10);
        assertThat(drain("contract/total", 100, MINUTE)).as("the rest, in shrinking leases").isEqualTo(90);
    }

    @Test
    void aLeaseTakesAtMostHalfOfWhatIsLeftSoOthersFindSome() {
        assertThat(ask("contract/half", 100, MINUTE, 1_000).fresh()).isEqualTo(50);
        assertThat(ask("contract/half", 100, MINUTE, 1_000).fresh()).isEqualTo(25);
        assertThat(ask("contract/half", 100, MINUTE, 1_000).fresh()).as("all, rather than a rest under an eighth")
                .isEqualTo(25);
        assertThat(ask("contract/half", 100, MINUTE, 1_000).fresh()).isZero();
    }

    @Test
    void lessWantedIsLessGivenAndTheLastSlotsGoTogether() {
        assertThat(ask("contract/rest", 100, MINUTE, 80).fresh()).isEqualTo(50);
        assertThat(ask("contract/rest", 100, MINUTE, 13).fresh()).isEqualTo(13);
        assertThat(ask("contract/rest", 100, MINUTE, 1).fresh()).isEqualTo(1);
        assertThat(ask("contract/rest", 100, MINUTE, 1_000).fresh()).as("half of 36").isEqualTo(18);
        assertThat(ask("contract/rest", 100, MINUTE, 1_000).fresh()).as("an eighth, and the rest of 5 with it")
                .isEqualTo(18);
        assertThat(ask("contract/rest", 100, MINUTE, 1).fresh()).isZero();
    }

    @Test
    void aGrantThatLeavesLessThanAUsefulShareSaysWhenToComeBackAndOneThatLeavesMoreDoesNot() {
        long per = TimeUnit.MILLISECONDS.toNanos(400);
        Lease first = ask("contract/hint", 10, per, 4);
        assertThat(first.fresh()).isEqualTo(4);
        assertThat(first.retryAfterNanos()).as("6 left, more than an eighth").isZero();
        close("contract/hint", 10, per, first, 0, 0, new LeaseUsage(new long[] {0}, new int[] {4}));
        Lease half = ask("contract/hint", 10, per, 100);
        assertThat(half.fresh()).isEqualTo(3);
        assertThat(half.retryAfterNanos()).isZero();
        Lease last = ask("contract/hint", 10, per, 100);
        assertThat(last.fresh()).isEqualTo(3);
        assertThat(last.retryAfterNanos()).as("nothing left: back when the closed sends leave the window")
                .isBetween(1L, per);
    }

    @Test
    void anOpenLeaseCountsAllItsSlotsUntilClosedAndThenOnlyTheUsedOnes() {
        Lease open = ask("contract/close", 20, MINUTE, 10);
        assertThat(drain("contract/close", 20, MINUTE)).as("the open lease counts 10").isEqualTo(10);

        Lease closed = close("contract/close", 20, MINUTE, open, 0, 0,
                new LeaseUsage(new long[] {1_000_000L, 30_000_000L}, new int[] {2, 1}));
        assertThat(closed).as("a close alone grants nothing and asks for no retry").isEqualTo(Lease.NONE);
        assertThat(drain("contract/close", 20, MINUTE)).as("closed with 3 used: 7 come back").isEqualTo(7);
    }

    @Test
    void unsentReservationsMoveIntoTheNextLeaseEvenWhenTheBucketIsFull() {
        Lease lease = ask("contract/carry", 10, MINUTE, 10);
        assertThat(lease.granted()).isEqualTo(5);
        drain("contract/carry", 10, MINUTE);
        Lease rolled = close("contract/carry", 10, MINUTE, lease, 2, 5,
                new LeaseUsage(new long[] {5_000_000L}, new int[] {3})); // 3 sent, 2 reserved: nothing returns
        assertThat(rolled.id()).isNotZero().isNotEqualTo(lease.id());
        assertThat(rolled.granted()).isEqualTo(2);
        assertThat(rolled.fresh()).isZero();
        assertThat(rolled.retryAfterNanos()).isPositive();
    }

    /**
     * 16 slots, all used and closed: 2 at the first grant, 14 a little later. With a useful share
     * of 2 the first 2 leaving the window suffice for one replica waiting; each other replica told
     * to come back wants one more (half a share), so its hint waits for the later 14.
     */
    @Test
    void anEmptyAnswerNamesItsRetryPromiseAndComingBackWithItWithdrawsThePromise() {
        String key = "contract/promise";
        long later = TimeUnit.MILLISECONDS.toNanos(200);
        Lease a = ask(key, 16, MINUTE, 16);
        Lease b = ask(key, 16, MINUTE, 16);
        Lease c = ask(key, 16, MINUTE, 16);
        Lease d = ask(key, 16, MINUTE, 16);
        assertThat(List.of(a.fresh(), b.fresh(), c.fresh(), d.fresh())).containsExactly(8, 4, 2, 2);
        letTimePass(later);
        close(key, 16, MINUTE, a, 0, 0, new LeaseUsage(new long[] {0, later}, new int[] {2, 6}));
        close(key, 16, MINUTE, b, 0, 0, new LeaseUsage(new long[] {later}, new int[] {4}));
        close(key, 16, MINUTE, c, 0, 0, new LeaseUsage(new long[] {later}, new int[] {2}));
        close(key, 16, MINUTE, d, 0, 0, new LeaseUsage(new long[] {later}, new int[] {2}));

        Lease empty = ask(key, 16, MINUTE, 2);
        assertThat(empty.granted()).isZero();
        assertThat(empty.retryAfterNanos()).as("back when the first 2 leave").isLessThan(MINUTE - later / 2);
        assertThat(empty.id()).as("the empty answer names its promise").isNotZero();

        Lease back = close(key, 16, MINUTE, empty, 0, 2, LeaseUsage.NONE);
        assertThat(back.granted()).isZero();
        assertThat(back.retryAfterNanos()).as("its own promise withdrawn, nobody else waits: the first 2 again")
                .isLessThan(MINUTE - later / 2);
        assertThat(back.id()).isNotZero().isNotEqualTo(empty.id());

        Lease other = ask(key, 16, MINUTE, 2);
        assertThat(other.retryAfterNanos()).as("behind the replica that came back: the later 14")
                .isGreaterThan(MINUTE - later / 2);
    }

    @Test
    void bucketsDoNotShareCapacity() {
        drain("contract/a", 10, MINUTE);
        assertThat(ask("contract/b", 10, MINUTE, 4).fresh()).isEqualTo(4);
    }

    @Test
    void usedSlotsLeaveWithTheWindowAndTheRetryHintSaysWhen() {
        long per = TimeUnit.MILLISECONDS.toNanos(400);
        Lease lease = ask("contract/window", 4, per, 4);
        assertThat(lease.fresh()).isEqualTo(2);
        close("contract/window", 4, per, lease, 0, 0, new LeaseUsage(new long[] {0}, new int[] {2}));
        drain("contract/window", 4, per);
        Lease empty = ask("contract/window", 4, per, 1);
        assertThat(empty.fresh()).isZero();
        assertThat(empty.retryAfterNanos()).isBetween(1L, per);

        letTimePass(per + TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(ask("contract/window", 4, per, 1).fresh()).as("the closed lease's sends left the window")
                .isEqualTo(1);
    }

    @Test
    void aLeaseNobodyClosesStopsCountingOneWindowAfterItExpires() {
        long per = TimeUnit.MILLISECONDS.toNanos(100);
        assertThat(ask("contract/crash", 2, per, 2).fresh()).isEqualTo(1);
        assertThat(ask("contract/crash", 2, per, 2).fresh()).isEqualTo(1);
        assertThat(ask("contract/crash", 2, per, 1).fresh()).as("both held by leases never closed").isZero();

        letTimePass(2 * VALIDITY_NANOS + per + Duration.ofMillis(50).toNanos());
        assertThat(ask("contract/crash", 2, per, 2).fresh()).isEqualTo(1);
    }
}

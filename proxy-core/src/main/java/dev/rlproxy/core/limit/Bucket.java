package dev.rlproxy.core.limit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What configured and learned buckets share: a lock, a FIFO of waiting requests, and a place in
 * the global lock order.
 *
 * <p><b>Why locks rather than an immutable value swapped by CAS.</b> A request must pass
 * several buckets atomically, with no partial consumption when one refuses. A CAS per bucket
 * cannot do that without a multi-word CAS, and one CAS over a combined value would serialise every
 * bucket in the proxy. Instead each bucket has a lock held for nanoseconds (never across I/O,
 * scheduling or waiting); a request locks all its buckets in ascending {@link #id} order (so no two
 * requests can deadlock), checks them all, then commits them all. The uncontended lock is an
 * uncontended CAS, allocation-free, like the CAS rule wanted.
 *
 * <p><b>Why not a {@code ReentrantLock}.</b> A header-scoped bucket definition may hold a million
 * keys, and a {@code ReentrantLock} is two objects (48 bytes) per bucket. The lock is instead one
 * {@code int} in the bucket: taken by a CAS, and when that fails, after a short spin (critical
 * sections are a few dozen nanoseconds), by waiting on the bucket's own monitor, which the JVM
 * keeps outside the heap and only while someone waits. {@code synchronized} alone cannot express
 * {@link #lockAll} over a variable number of buckets. The lock is not reentrant: no code path
 * takes a bucket's lock while holding it.
 */
abstract class Bucket {

    /** {@link #refreshEarliestNanos} result: no known time; it waits for an in-flight request to finish. */
    static final long UNTIL_RELEASE = Long.MAX_VALUE;

    private static final AtomicLong IDS = new AtomicLong();
    private static final int FREE = 0;
    private static final int HELD = 1;
    /** Held, and a thread may be waiting on the monitor: the unlock must notify. */
    private static final int HELD_CONTENDED = 2;
    /** CAS attempts before waiting on the monitor. */
    private static final int SPINS = 64;
    private static final VarHandle LOCK_STATE;

    static {
        try {
            LOCK_STATE = MethodHandles.lookup().findVarHandle(Bucket.class, "lockState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Position in the global lock order. */
    final long id = IDS.incrementAndGet();
    /** {@link #FREE}, {@link #HELD} or {@link #HELD_CONTENDED}. */
    private volatile int lockState;
    /** Waiting requests, oldest first; guarded by the lock. Null until the first one: most buckets never queue anyone. */
    private ArrayDeque<Waiter> waiters;
    /**
     * Whether {@link #waiters} holds anyone: written under the lock whenever that changes, read
     * without it ({@link #hasWaitersUnlocked}) so a wake-up can pass a bucket nobody waits in.
     */
    private volatile boolean anyWaiting;
    /** No longer in its registry: requests that meet it look their buckets up again. */
    private boolean retired;

    /**
     * The earliest time {@code cost} admissions may go: {@code now} or earlier means now, a later
     * time means not before then, {@link #UNTIL_RELEASE} means only after an in-flight request
     * finishes. Call with the lock held. Not a pure query, hence the name: it first brings
     * time-driven state up to {@code now} (a learned window past its reset rolls over, an assumed
     * window appears).
     */
    abstract long refreshEarliestNanos(long now, int cost);

    /** Takes {@code cost} admissions at {@code now}; call with the lock held after a go-now answer. */
    abstract void admit(long now, int cost);

    final void lock() {
        if (!LOCK_STATE.compareAndSet(this, FREE, HELD)) {
            lockContended();
        }
    }

    private void lockContended() {
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            if (lockState == FREE && LOCK_STATE.compareAndSet(this, FREE, HELD)) {
                return;
            }
        }
        boolean interrupted = false;
        synchronized (this) {
            // Marking it contended before waiting, under the monitor, makes the holder's unlock
            // notify only after this thread waits: no wake-up is lost.
            while ((int) LOCK_STATE.getAndSet(this, HELD_CONTENDED) != FREE) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // a lock held for nanoseconds is not worth abandoning
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    final void unlock() {
        if ((int) LOCK_STATE.getAndSet(this, FREE) == HELD_CONTENDED) {
            synchronized (this) {
                notify();
            }
        }
    }

    static void lockAll(Bucket[] ordered) {
        for (Bucket b : ordered) {
            b.lock();
        }
    }

    static void unlockAll(Bucket[] ordered) {
        for (int i = ordered.length - 1; i >= 0; i--) {
            ordered[i].unlock();
        }
    }

    final boolean hasWaiters() {
        return waiters != null && !waiters.isEmpty();
    }

    /**
     * {@link #hasWaiters} without the lock: whether anyone waited at the last change under it. See
     * {@link TicketQueue#wake(Bucket)} for why a wake-up that trusts it loses no waiter.
     */
    final boolean hasWaitersUnlocked() {
        return anyWaiting;
    }

    final int waiterCount() {
        return waiters == null ? 0 : waiters.size();
    }

    final Waiter headWaiter() {
        return waiters == null ? null : waiters.peekFirst();
    }

    final void addWaiter(Waiter w) {
        waiters().addLast(w);
        waitersChanged();
    }

    private ArrayDeque<Waiter> waiters() {
        if (waiters == null) {
            waiters = new ArrayDeque<>(4);
        }
        return waiters;
    }

    /** Puts a waiter back in its place by sequence (a waiter moving between buckets keeps its age). */
    final void insertWaiter(Waiter w) {
        ArrayDeque<Waiter> waiters = waiters();
        ArrayDeque<Waiter> younger = new ArrayDeque<>();
        while (!waiters.isEmpty() && waiters.peekLast().seq > w.seq) {
            younger.push(waiters.pollLast());
        }
        waiters.addLast(w);
        waiters.addAll(younger);
        waitersChanged();
    }

    final void removeWaiter(Waiter w) {
        if (waiters == null) {
            return;
        }
        if (waiters.peekFirst() == w) {
            waiters.pollFirst();
        } else {
            waiters.remove(w);
        }
        waitersChanged();
    }

    /** Call with the lock held, after changing {@link #waiters}; a volatile write only when the answer changes. */
    private void waitersChanged() {
        boolean any = !waiters.isEmpty();
        if (anyWaiting != any) {
            anyWaiting = any;
        }
    }

    final boolean isRetired() {
        return retired;
    }

    /** Call with the lock held. */
    final void retire() {
        retired = true;
    }
}

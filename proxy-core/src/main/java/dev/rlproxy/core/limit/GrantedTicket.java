package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;

/**
 * A ticket the limiter granted; the first of complete/abandon settles it, later calls are ignored.
 *
 * <p>It is also its own already-completed future: a request that goes at once costs one object,
 * not a ticket plus a future (the proxy asks for a ticket on every request). Its state is one
 * {@code int} of flags, changed by CAS. What settling means depends on the buckets it holds: see
 * the subclasses.
 */
abstract class GrantedTicket extends CompletableFuture<Ticket> implements Ticket {

    /** Configured buckets still hold a reservation for it (stamp-at-send, not yet stamped). */
    private static final int RESERVED = 1;
    private static final int SETTLED = 2;
    private static final int RELEASED = 4;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(GrantedTicket.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final TicketSettlement settlement;
    final int cost;
    private final long admittedAtNanos;
    private volatile int state;

    GrantedTicket(TicketSettlement settlement, int cost, long admittedAtNanos, boolean reserved) {
        this.settlement = settlement;
        this.cost = cost;
        this.admittedAtNanos = admittedAtNanos;
        this.state = reserved ? RESERVED : 0;
        super.complete(this);
    }

    /** A reserved request counts from now in its configured buckets. */
    abstract void stamp();

    /**
     * The upstream answered: feed what it said to the learned buckets.
     *
     * @param serverError a 5xx, which without rate-limit headers does not show the upstream is silent
     */
    abstract void answered(RateLimitObservation observation, long admittedAtNanos, boolean counted,
                           boolean serverError);

    /** No answer came: give back what the request did not use (the reservation is already settled). */
    abstract void abandoned(long admittedAtNanos, boolean maybeSent, boolean stillReserved);

    /** Whether it holds slots in in-flight caps, which {@link #release} returns. */
    abstract boolean holdsSlots();

    abstract void releaseSlots();

    @Override
    public final void sent() {
        if ((state & SETTLED) == 0 && clear(RESERVED)) {
            stamp();
        }
    }

    @Override
    public final void complete(RateLimitObservation observation) {
        completeWith(observation, true, false);
    }

    @Override
    public final void completeServerError(RateLimitObservation observation) {
        completeWith(observation, true, true);
    }

    @Override
    public final void completeNotModified(RateLimitObservation observation) {
        completeWith(observation, false, false);
    }

    private void completeWith(RateLimitObservation observation, boolean counted, boolean serverError) {
        if (set(SETTLED)) {
            // An answer came, so the request arrived by now at the latest: a reservation becomes an admission now.
            if (clear(RESERVED)) {
                stamp();
            }
            answered(observation == null ? RateLimitObservation.EMPTY : observation, admittedAtNanos, counted,
                    serverError);
        }
    }

    @Override
    public final void abandon(boolean maybeSent) {
        if (set(SETTLED)) {
            boolean stillReserved = clear(RESERVED);
            if (stillReserved && maybeSent) {
                stamp(); // it may have arrived by now at the latest
            }
            abandoned(admittedAtNanos, maybeSent, stillReserved);
        }
        release();
    }

    @Override
    public final void release() {
        if (holdsSlots() && set(RELEASED)) {
            releaseSlots();
        }
    }

    long admittedAtNanos() {
        return admittedAtNanos;
    }

    /** Sets {@code flag}; whether this call set it. */
    private boolean set(int flag) {
        int s;
        do {
            s = state;
            if ((s & flag) != 0) {
                return false;
            }
        } while (!STATE.compareAndSet(this, s, s | flag));
        return true;
    }

    /** Clears {@code flag}; whether this call cleared it. */
    private boolean clear(int flag) {
        int s;
        do {
            s = state;
            if ((s & flag) == 0) {
                return false;
            }
        } while (!STATE.compareAndSet(this, s, s & ~flag));
        return true;
    }

    @Override
    public String toString() {
        int s = state;
        return "Ticket[admittedAt=" + admittedAtNanos + ", cost=" + cost + ", reserved=" + ((s & RESERVED) != 0)
                + ", settled=" + ((s & SETTLED) != 0) + "]";
    }
}

package dev.rlproxy.core.tokens;

import dev.rlproxy.core.headers.RateLimitObservation;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A token checked out of a {@link TokenPool} for one upstream request. End it exactly once with
 * {@link #complete} (a response arrived) or {@link #abandon(boolean)} (none did); later calls are ignored.
 *
 * <p>The words are the limiter's: {@code complete} and {@code abandon} mean what they mean on a
 * {@code Ticket}. A lease has no {@code release}: ending it already frees the token for the next
 * checkout, whereas a ticket's {@code release} returns its in-flight-cap slot once the response body
 * has been relayed, and the connection pool's {@code release} returns a channel.
 */
public final class TokenLease {

    private static final AtomicIntegerFieldUpdater<TokenLease> ENDED =
            AtomicIntegerFieldUpdater.newUpdater(TokenLease.class, "ended");

    private final TokenPool pool;
    private final TokenSlot slot;
    private final Secret secret;
    private final String fingerprint;
    /** 0 until the lease ends; an updater rather than an AtomicBoolean, one object fewer per request. */
    private volatile int ended;

    TokenLease(TokenPool pool, TokenSlot slot, Secret secret) {
        this.pool = pool;
        this.slot = slot;
        this.secret = secret;
        this.fingerprint = slot.fingerprint();
    }

    /** The pool entry's fingerprint: what logs, metrics and retry exclusions use. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The raw token: only for the header injector. */
    public String secret() {
        return secret.value();
    }

    /** The upstream answered {@code status}; {@code observation} is what its headers said (may be null). */
    public void complete(int status, RateLimitObservation observation) {
        end(status, observation == null ? RateLimitObservation.EMPTY : observation, true);
    }

    /**
     * No response came. If the request may have reached the upstream ({@code maybeSent}: a reset
     * mid-exchange, a timeout, the client gone after sending) it counts as a call, conservatively;
     * if it surely did not (the proxy refused it, the connect failed, the client left while it
     * waited) the token's quota is untouched, as with {@code Ticket.abandon(false)}.
     */
    public void abandon(boolean maybeSent) {
        end(-1, RateLimitObservation.EMPTY, maybeSent);
    }

    /** The lease was never handed to anyone (its checkout was withdrawn): nothing was spent. */
    void returnUnused() {
        end(-1, RateLimitObservation.EMPTY, false);
    }

    TokenSlot slot() {
        return slot;
    }

    private void end(int status, RateLimitObservation observation, boolean used) {
        if (ENDED.compareAndSet(this, 0, 1)) {
            pool.settle(this, status, observation, used);
        }
    }

    @Override
    public String toString() {
        return "TokenLease[" + fingerprint + (ended != 0 ? ", ended" : "") + "]";
    }
}

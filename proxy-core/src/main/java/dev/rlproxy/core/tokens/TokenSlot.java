package dev.rlproxy.core.tokens;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.limit.ThrottleBackoff;
import dev.rlproxy.core.store.TokenPoolStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One pool entry's accounting: quota window, requests in flight, throttling and quarantine.
 * Not thread-safe: {@link TokenPool} guards every slot with its lock. Times are monotonic nanos
 * (compared by difference, as {@code System.nanoTime} requires); upstream resets arrive as epoch
 * millis and are translated once, on arrival.
 */
final class TokenSlot {

    /** What "nothing left" with no readable reset costs: GitHub's advice is one minute. */
    private static final long THROTTLE_FALLBACK_NANOS = 60_000_000_000L;
    /** Resets within this of each other are the same window (resets are rounded to seconds). */
    private static final long SAME_WINDOW_NANOS = 1_000_000_000L;
    private static final long UNKNOWN = -1;
    /** Further than any {@code maxResetWait}; keeps the conversion to nanos from overflowing. */
    private static final long FAR_AHEAD_MILLIS = 1_000L * 86_400 * 365 * 100;

    enum Kind { NOW, AT, ON_EVENT }

    /** When this slot can next be checked out: now, at a known time, or after some event (a release, a token). */
    record Availability(Kind kind, long atNanos) {
        static final Availability NOW = new Availability(Kind.NOW, 0);
        static final Availability ON_EVENT = new Availability(Kind.ON_EVENT, 0);
    }

    /** Policy order: untouched quota first, then the most calls left; see {@link TokenPool}. */
    static final Comparator<TokenSlot> PREFERENCE = Comparator
            .comparing(TokenSlot::untouched)
            .thenComparingLong(TokenSlot::available);

    private final TokenPoolSettings settings;
    private TokenCredential credential;
    private long limit;
    private long remaining;
    private boolean resetKnown;
    private long resetAtNanos;
    /** The reset is our own projection (resetInterval), not one the upstream reported. */
    private boolean resetProjected;
    /** The limit comes from the upstream's headers, not from {@code defaultLimit}. */
    private boolean limitReported;
    /** A projected reset passed unconfirmed: one request at a time until an answer comes. */
    private boolean probeFirst;
    private boolean observedThisWindow;
    /** Some response (of any kind) arrived for this token since it joined the pool. */
    private boolean heard;
    private boolean spent;
    private long spentUntilNanos;
    private int inFlight;
    /** Requests other replicas have in flight with this token, as of the last shared sync. */
    private int inFlightElsewhere;
    private long lastCheckoutWallMillis = UNKNOWN;
    private boolean quarantined;
    private boolean probing;
    private int strikes;
    private long quarantinedUntilNanos;
    private boolean retiring;
    /** What a throttled answer with no reset and no retry-after costs: 1 s doubling in a row, up to 30 s. */
    private final ThrottleBackoff throttleBackoff = new ThrottleBackoff();

    TokenSlot(TokenCredential credential, TokenPoolSettings settings) {
        this.credential = credential;
        this.settings = settings;
        this.limit = settings.defaultLimit() == null ? UNKNOWN : settings.defaultLimit();
        this.remaining = limit;
    }

    String fingerprint() {
        return credential.fingerprint();
    }

    Optional<Secret> currentSecret() {
        return credential.current();
    }

    int inFlight() {
        return inFlight;
    }

    boolean retiring() {
        return retiring;
    }

    void retire() {
        retiring = true;
    }

    /** Configured again (possibly by another source): back in service with its accounting intact. */
    void revive(TokenCredential replacement) {
        credential = replacement;
        retiring = false;
    }

    /**
     * When this token may be checked out next. Not a pure query: it first brings the slot up to
     * {@code now} (a spent mark that has run out is cleared, a passed window rolls over).
     */
    Availability refreshAvailability(long now) {
        if (credential.current().isEmpty()) {
            return Availability.ON_EVENT;
        }
        if (quarantined) {
            if (probing) {
                return Availability.ON_EVENT;
            }
            return quarantinedUntilNanos - now > 0 ? new Availability(Kind.AT, quarantinedUntilNanos) : Availability.NOW;
        }
        if (spent && spentUntilNanos - now > 0) {
            return new Availability(Kind.AT, spentUntilNanos);
        }
        spent = false;
        rollWindow(now);
        if (remaining == 0) {
            return new Availability(Kind.AT, resetAtNanos + graceNanos());
        }
        if (remaining != UNKNOWN && remaining - inFlight - inFlightElsewhere <= 0) {
            return Availability.ON_EVENT;
        }
        if (probeFirst && inFlight > 0) {
            return Availability.ON_EVENT; // the probe is out; its answer comes first
        }
        if (remaining == UNKNOWN && !heard && inFlight > 0) {
            // Never heard from and no quota assumed: one request finds out what the token may do.
            return Availability.ON_EVENT;
        }
        return Availability.NOW;
    }

    /** Nothing used since the last reset: remaining == limit and nothing in flight (on any replica). */
    boolean untouched() {
        return inFlight == 0 && inFlightElsewhere == 0 && (remaining == UNKNOWN ? !observedThisWindow : remaining == limit);
    }

    /** Calls left minus requests in flight; a token with unknown quota counts as unlimited (once heard from). */
    long available() {
        return (remaining == UNKNOWN ? Long.MAX_VALUE / 2 : remaining) - inFlight - inFlightElsewhere;
    }

    /** This replica's view, for the other replicas: a projected reset is a guess and is not shared. */
    TokenPoolStore.TokenReport report(long now, long wallNow) {
        long reset = resetKnown && !resetProjected ? wallNow + (resetAtNanos - now) / 1_000_000L : UNKNOWN;
        long spentUntil = spent && spentUntilNanos - now > 0 ? wallNow + (spentUntilNanos - now) / 1_000_000L : UNKNOWN;
        return new TokenPoolStore.TokenReport(fingerprint(), limit, remaining, reset, spentUntil);
    }

    /**
     * What the replicas together know: a later window is taken as said, in the same window the lower
     * remaining wins, a later spent mark holds here too, and others' requests in flight count.
     * Without a shared view (the store is away) the token follows this replica's own view.
     */
    void adopt(TokenPoolStore.SharedTokenState shared, long now, long wallNow) {
        if (shared == null) {
            inFlightElsewhere = 0;
            return;
        }
        inFlightElsewhere = shared.inFlightElsewhere();
        if (shared.remaining() >= 0) {
            boolean resetShared = shared.resetAtMillis() >= 0;
            long reset = resetShared ? clamped(toNanos(shared.resetAtMillis(), now, wallNow), now) : 0;
            if (resetShared && (!resetKnown || reset - resetAtNanos > SAME_WINDOW_NANOS)) {
                remaining = shared.remaining();
                resetAtNanos = reset;
                resetKnown = true;
                resetProjected = false;
                observedThisWindow = true;
            } else if (remaining == UNKNOWN || !resetShared || Math.abs(reset - resetAtNanos) <= SAME_WINDOW_NANOS) {
                remaining = remaining == UNKNOWN ? shared.remaining() : Math.min(remaining, shared.remaining());
            }
            heard = true;
        }
        if (shared.limit() > 0) {
            limit = shared.limit();
            limitReported = true;
        }
        if (shared.spentUntilMillis() >= 0) {
            long until = clamped(toNanos(shared.spentUntilMillis(), now, wallNow), now);
            if (!spent || until - spentUntilNanos > 0) {
                spent = true;
                spentUntilNanos = until;
            }
        }
    }

    void onCheckout(long now, long wallNow) {
        inFlight++;
        lastCheckoutWallMillis = wallNow;
        if (quarantined) {
            probing = true;
        }
        if (remaining != UNKNOWN && !resetKnown) {
            // The assumed default window starts with the first call.
            resetAtNanos = now + settings.resetInterval().toNanos();
            resetKnown = true;
            resetProjected = true;
        }
    }

    /**
     * A lease ended. {@code status} is -1 when there was no response; {@code used} is false when the
     * token never left the pool (a checkout withdrawn before use).
     */
    void onRelease(int status, RateLimitObservation observation, boolean used, long now, long wallNow) {
        inFlight--;
        if (!used) {
            probing = false;
            return;
        }
        heard |= status > 0;
        probeFirst &= status <= 0;
        if (!observe(observation, now, wallNow) && remaining > 0) {
            remaining--; // no usable headers: the call still counted upstream
            if (observedThisWindow) {
                lookAgainSoonIfNothingLeft(now); // counted down from what the upstream said
            }
        }
        if (probing) {
            probing = false;
            if (status == 401) {
                quarantine(now);
            } else if (status > 0) {
                quarantined = false;
                strikes = 0;
            }
        } else if (status == 401 && !quarantined) {
            quarantine(now);
        }
        if (status == 429 || observation.throttled()) {
            markSpent(observation, now, wallNow);
        } else if (status > 0) {
            throttleBackoff.answered();
        }
    }

    TokenState state(long now) {
        if (retiring) {
            return TokenState.RETIRING;
        }
        if (credential.current().isEmpty()) {
            return TokenState.PENDING;
        }
        if (quarantined) {
            return TokenState.QUARANTINED;
        }
        if (spent && spentUntilNanos - now > 0) {
            return TokenState.SPENT;
        }
        rollWindow(now);
        return remaining == 0 ? TokenState.SPENT : TokenState.ACTIVE;
    }

    TokenStatus status(long now, long wallNow) {
        TokenState state = state(now);
        Instant resetAt = resetKnown ? Instant.ofEpochMilli(wallNow + (resetAtNanos - now) / 1_000_000L) : null;
        Instant lastCheckout = lastCheckoutWallMillis == UNKNOWN ? null : Instant.ofEpochMilli(lastCheckoutWallMillis);
        return new TokenStatus(fingerprint(), state, limit, remaining, resetAt, inFlight, lastCheckout);
    }

    /**
     * The reset has passed: the quota is back and the next reset is projected one
     * {@code resetInterval} on. When the reset that passed was itself only projected (no answer
     * confirmed it) for a limit the upstream reported, the new window is a guess: one probe request
     * goes first and its answer tells the rest, rather than the token being taken as spent (or as
     * full, with many requests sent on the guess at once). A {@code defaultLimit} never reported
     * restarts in full: that assumption is the configuration's.
     */
    private void rollWindow(long now) {
        if (!resetKnown || now - (resetAtNanos + graceNanos()) < 0) {
            return;
        }
        remaining = limit;
        observedThisWindow = false;
        long interval = settings.resetInterval().toNanos();
        if (limit == UNKNOWN) {
            resetKnown = false;
        } else {
            probeFirst = resetProjected && limitReported;
            // Project the next window; the upstream's next report corrects it.
            resetAtNanos += ((now - resetAtNanos) / interval + 1) * interval;
            resetProjected = true;
        }
    }

    /** Corrects the quota from the most restrictive window the response reported; false if it reported none. */
    private boolean observe(RateLimitObservation observation, long now, long wallNow) {
        // The fewest remaining, then the latest reset; a plain loop, since this runs on every answer.
        RateLimitWindow window = null;
        List<RateLimitWindow> windows = observation.windows();
        for (int i = 0; i < windows.size(); i++) {
            RateLimitWindow w = windows.get(i);
            if (w.remaining() < 0 || !w.isCredible()) {
                continue;
            }
            if (window == null || w.remaining() < window.remaining()
                    || (w.remaining() == window.remaining() && w.resetAtEpochMillis() > window.resetAtEpochMillis())) {
                window = w;
            }
        }
        if (window == null) {
            return false;
        }
        boolean resetReported = window.resetAtEpochMillis() >= 0;
        long reset = resetReported ? clamped(toNanos(window.resetAtEpochMillis(), now, wallNow), now) : 0;
        if (resetReported && resetKnown && observedThisWindow && resetAtNanos - reset > SAME_WINDOW_NANOS) {
            return true; // a late answer from a window that has already ended
        }
        long newLimit = window.limit() > 0 ? window.limit() : limit;
        boolean newWindow = resetReported && (!resetKnown || reset - resetAtNanos > SAME_WINDOW_NANOS);
        if (!observedThisWindow || newLimit != limit || newWindow || remaining == UNKNOWN) {
            remaining = window.remaining();
        } else {
            // Same window: answers can arrive out of order, so the lowest count is the truest.
            remaining = Math.min(remaining, window.remaining());
        }
        limit = newLimit;
        limitReported |= window.limit() > 0;
        if (resetReported) {
            resetAtNanos = reset;
            resetKnown = true;
            resetProjected = false;
        } else if (!resetKnown) {
            // Nothing left and no word on when: look again (one probe) after the throttle fallback
            // rather than a whole resetInterval.
            long guess = remaining == 0 ? THROTTLE_FALLBACK_NANOS : settings.resetInterval().toNanos();
            resetAtNanos = clamped(now + guess, now);
            resetKnown = true;
            resetProjected = true;
        } else {
            lookAgainSoonIfNothingLeft(now);
        }
        observedThisWindow = true;
        return true;
    }

    /**
     * Nothing left, by the upstream's count, in a window whose reset we only projected: the count
     * must not hold the token until our guess of the reset (a whole resetInterval away, maybe).
     */
    private void lookAgainSoonIfNothingLeft(long now) {
        if (resetProjected && remaining == 0 && resetAtNanos - now > THROTTLE_FALLBACK_NANOS) {
            resetAtNanos = clamped(now + THROTTLE_FALLBACK_NANOS, now);
        }
    }

    private void markSpent(RateLimitObservation observation, long now, long wallNow) {
        boolean known = false;
        long until = now;
        if (observation.retryAfterMillis() >= 0) {
            until = toNanos(observation.retryAfterMillis(), now, 0);
            known = true;
        }
        for (RateLimitWindow window : observation.windows()) {
            if (window.remaining() == 0 && window.resetAtEpochMillis() >= 0 && window.isCredible()) {
                long reset = toNanos(window.resetAtEpochMillis(), now, wallNow);
                until = known && until - reset > 0 ? until : reset;
                known = true;
            }
        }
        long backoff = throttleBackoff.throttled();
        spent = true;
        // The grace covers clock skew and rounding of a time the upstream named; a guess needs none.
        spentUntilNanos = known ? clamped(until, now) + graceNanos() : now + backoff;
    }

    /** No upstream answer keeps the token out longer than {@code maxResetWait}. */
    private long clamped(long at, long now) {
        long latest = now + settings.maxResetWait().toNanos();
        return at - latest > 0 ? latest : at;
    }

    private void quarantine(long now) {
        strikes++;
        quarantined = true;
        quarantinedUntilNanos = now + settings.quarantineBackoff().delayNanos(strikes);
    }

    private long graceNanos() {
        return settings.grace().toNanos();
    }

    /** A wall-clock time as monotonic nanos; beyond {@link #FAR_AHEAD_MILLIS} it is cut there (clamped later anyway). */
    private static long toNanos(long epochMillis, long now, long wallNow) {
        return now + Math.min(epochMillis - wallNow, FAR_AHEAD_MILLIS) * 1_000_000L;
    }
}

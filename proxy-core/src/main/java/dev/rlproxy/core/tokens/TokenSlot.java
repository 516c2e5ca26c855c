package dev.rlproxy.core.tokens;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.limit.ThrottleBackoff;
import dev.rlproxy.core.store.TokenPoolStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One pool entry's accounting: quota window, requests in flight, throttling and quarantine.
 * Not thread-safe: {@link TokenPool} guards every slot with its lock. Times are monotonic nanos
 * (compared by difference, as {@code System.nanoTime} requires); upstream resets arrive as epoch
 * millis and are translated once, on arrival.
 *
 * <p>What events (answers, checkouts, the shared view) decide is one {@link State}, changed only
 * through {@link #moveTo}, which knows the legal transitions. What only the passing of time ends is
 * a deadline instead: spent until the reset (remaining 0) or throttled until {@code throttledUntil};
 * {@link #refreshAvailability} consults them, in this order of precedence: quarantine, throttle,
 * quota, one-at-a-time.
 */
final class TokenSlot {

    /** What "nothing left" with no readable reset costs: GitHub's advice is one minute. */
    private static final long THROTTLE_FALLBACK_NANOS = 60_000_000_000L;
    /** Resets within this of each other are the same window (resets are rounded to seconds). */
    private static final long SAME_WINDOW_NANOS = 1_000_000_000L;
    private static final long UNKNOWN = -1;
    /** Further than any {@code maxResetWait}; keeps the conversion to nanos from overflowing. */
    private static final long FAR_AHEAD_MILLIS = 1_000L * 86_400 * 365 * 100;

    /** What answers and checkouts have made of the token; see {@link #moveTo} for the legal changes. */
    enum State {
        /** Never answered: with no quota assumed, one request at a time finds out what it may do. */
        UNHEARD,
        /** Checked out up to its remaining calls (all the calls it wants when its quota is unknown). */
        OPEN,
        /** A projected reset passed unconfirmed: one probe request at a time until an answer tells the rest. */
        WINDOW_PROBE,
        /** Answered 401: out of service until {@code quarantinedUntil}. */
        QUARANTINED,
        /** The quarantine's back-off is over and its single probe request is out. */
        PROBING;

        /** The legal transitions, all of them: a state's own is always allowed (nothing changes). */
        private static final Map<State, Set<State>> LEGAL = new EnumMap<>(Map.of(
                UNHEARD, EnumSet.of(OPEN, WINDOW_PROBE, QUARANTINED),
                OPEN, EnumSet.of(WINDOW_PROBE, QUARANTINED),
                WINDOW_PROBE, EnumSet.of(OPEN, QUARANTINED),
                QUARANTINED, EnumSet.of(PROBING),
                PROBING, EnumSet.of(OPEN, QUARANTINED)));

        boolean mayBecome(State next) {
            return LEGAL.get(this).contains(next);
        }

        boolean quarantined() {
            return this == QUARANTINED || this == PROBING;
        }
    }

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
    private State state = State.UNHEARD;
    private long limit;
    private long remaining;
    /** Where {@link #resetAtNanos} comes from. */
    private ResetSource resetSource = ResetSource.NONE;
    private long resetAtNanos;
    /** The limit comes from the upstream's headers, not from {@code defaultLimit}. */
    private boolean limitReported;
    private boolean observedThisWindow;
    /** Throttled (a 429, or an answer that says so) until then; in the past when not throttled. */
    private long throttledUntilNanos;
    private int inFlight;
    /** Requests other replicas have in flight with this token, as of the last shared sync. */
    private int inFlightElsewhere;
    private long lastCheckoutWallMillis = UNKNOWN;
    private int strikes;
    private long quarantinedUntilNanos;
    private boolean retiring;
    /** What a throttled answer with no reset and no retry-after costs: 1 s doubling in a row, up to 30 s. */
    private final ThrottleBackoff throttleBackoff = new ThrottleBackoff();

    private enum ResetSource {
        NONE,
        /** Our own projection ({@code resetInterval}), not a reset the upstream reported. */
        PROJECTED,
        REPORTED
    }

    /** @param now the pool's clock now: the token starts unthrottled */
    TokenSlot(TokenCredential credential, TokenPoolSettings settings, long now) {
        this.credential = credential;
        this.settings = settings;
        this.limit = settings.defaultLimit() == null ? UNKNOWN : settings.defaultLimit();
        this.remaining = limit;
        this.throttledUntilNanos = now;
    }

    /** The one place the state changes; an illegal change is a bug in this class. */
    private void moveTo(State next) {
        if (next == state) {
            return;
        }
        if (!state.mayBecome(next)) {
            throw new IllegalStateException("token state " + state + " cannot become " + next);
        }
        state = next;
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
     * {@code now} (a passed window rolls over).
     */
    Availability refreshAvailability(long now) {
        if (credential.current().isEmpty()) {
            return Availability.ON_EVENT;
        }
        if (state == State.PROBING) {
            return Availability.ON_EVENT;
        }
        if (state == State.QUARANTINED) {
            return quarantinedUntilNanos - now > 0 ? new Availability(Kind.AT, quarantinedUntilNanos) : Availability.NOW;
        }
        if (throttledUntilNanos - now > 0) {
            return new Availability(Kind.AT, throttledUntilNanos);
        }
        rollWindow(now);
        if (remaining == 0) {
            return new Availability(Kind.AT, resetAtNanos + graceNanos());
        }
        if (remaining != UNKNOWN && remaining - inFlight - inFlightElsewhere <= 0) {
            return Availability.ON_EVENT;
        }
        if (state == State.WINDOW_PROBE && inFlight > 0) {
            return Availability.ON_EVENT; // the probe is out; its answer comes first
        }
        if (state == State.UNHEARD && remaining == UNKNOWN && inFlight > 0) {
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
        long reset = resetSource == ResetSource.REPORTED ? wallNow + (resetAtNanos - now) / 1_000_000L : UNKNOWN;
        long spentUntil = throttledUntilNanos - now > 0 ? wallNow + (throttledUntilNanos - now) / 1_000_000L : UNKNOWN;
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
            if (resetShared && (resetSource == ResetSource.NONE || reset - resetAtNanos > SAME_WINDOW_NANOS)) {
                remaining = shared.remaining();
                resetAtNanos = reset;
                resetSource = ResetSource.REPORTED;
                observedThisWindow = true;
            } else if (remaining == UNKNOWN || !resetShared || Math.abs(reset - resetAtNanos) <= SAME_WINDOW_NANOS) {
                remaining = remaining == UNKNOWN ? shared.remaining() : Math.min(remaining, shared.remaining());
            }
            if (state == State.UNHEARD) {
                moveTo(State.OPEN); // another replica has heard from it
            }
        }
        if (shared.limit() > 0) {
            limit = shared.limit();
            limitReported = true;
        }
        if (shared.spentUntilMillis() >= 0) {
            long until = clamped(toNanos(shared.spentUntilMillis(), now, wallNow), now);
            if (until - throttledUntilNanos > 0) {
                throttledUntilNanos = until;
            }
        }
    }

    void onCheckout(long now, long wallNow) {
        inFlight++;
        lastCheckoutWallMillis = wallNow;
        if (state == State.QUARANTINED) {
            moveTo(State.PROBING);
        }
        if (remaining != UNKNOWN && resetSource == ResetSource.NONE) {
            // The assumed default window starts with the first call.
            resetAtNanos = now + settings.resetInterval().toNanos();
            resetSource = ResetSource.PROJECTED;
        }
    }

    /**
     * A lease ended. {@code status} is -1 when there was no response; {@code used} is false when the
     * token never left the pool (a checkout withdrawn before use).
     */
    void onRelease(int status, RateLimitObservation observation, boolean used, long now, long wallNow) {
        inFlight--;
        if (!used) {
            if (state == State.PROBING) {
                moveTo(State.QUARANTINED); // the probe never went: the next checkout probes
            }
            return;
        }
        if (!observe(observation, now, wallNow) && remaining > 0) {
            remaining--; // no usable headers: the call still counted upstream
            if (observedThisWindow) {
                lookAgainSoonIfNothingLeft(now); // counted down from what the upstream said
            }
        }
        answered(status, now);
        if (status == 429 || observation.throttled()) {
            markSpent(observation, now, wallNow);
        } else if (status > 0) {
            throttleBackoff.answered();
        }
    }

    /**
     * The state an answer ({@code status} > 0) or a lost response (-1) leads to. Any answer settles
     * what one-at-a-time waited for; while the probe is out, whatever answers first is its answer;
     * a 401 from a request sent before the quarantine began adds no strike.
     */
    private void answered(int status, long now) {
        switch (state) {
            case PROBING -> {
                if (status == 401) {
                    quarantine(now);
                } else if (status > 0) {
                    strikes = 0;
                    moveTo(State.OPEN);
                } else {
                    moveTo(State.QUARANTINED);
                }
            }
            case QUARANTINED -> { }
            case UNHEARD, OPEN, WINDOW_PROBE -> {
                if (status == 401) {
                    quarantine(now);
                } else if (status > 0) {
                    moveTo(State.OPEN);
                }
            }
        }
    }

    TokenState state(long now) {
        if (retiring) {
            return TokenState.RETIRING;
        }
        if (credential.current().isEmpty()) {
            return TokenState.PENDING;
        }
        if (state.quarantined()) {
            return TokenState.QUARANTINED;
        }
        if (throttledUntilNanos - now > 0) {
            return TokenState.SPENT;
        }
        rollWindow(now);
        return remaining == 0 ? TokenState.SPENT : TokenState.ACTIVE;
    }

    TokenStatus status(long now, long wallNow) {
        TokenState state = state(now);
        Instant resetAt = resetSource != ResetSource.NONE ? Instant.ofEpochMilli(wallNow + (resetAtNanos - now) / 1_000_000L) : null;
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
        if (resetSource == ResetSource.NONE || now - (resetAtNanos + graceNanos()) < 0) {
            return;
        }
        remaining = limit;
        observedThisWindow = false;
        long interval = settings.resetInterval().toNanos();
        if (limit == UNKNOWN) {
            resetSource = ResetSource.NONE;
        } else {
            if (resetSource == ResetSource.PROJECTED && limitReported) {
                moveTo(State.WINDOW_PROBE);
            } else if (state == State.WINDOW_PROBE) {
                moveTo(State.OPEN); // the reset that passed was the upstream's own: the new window is no guess
            }
            // Project the next window; the upstream's next report corrects it.
            resetAtNanos += ((now - resetAtNanos) / interval + 1) * interval;
            resetSource = ResetSource.PROJECTED;
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
        if (resetReported && resetSource != ResetSource.NONE && observedThisWindow && resetAtNanos - reset > SAME_WINDOW_NANOS) {
            return true; // a late answer from a window that has already ended
        }
        long newLimit = window.limit() > 0 ? window.limit() : limit;
        boolean newWindow = resetReported && (resetSource == ResetSource.NONE || reset - resetAtNanos > SAME_WINDOW_NANOS);
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
            resetSource = ResetSource.REPORTED;
        } else if (resetSource == ResetSource.NONE) {
            // Nothing left and no word on when: look again (one probe) after the throttle fallback
            // rather than a whole resetInterval.
            long guess = remaining == 0 ? THROTTLE_FALLBACK_NANOS : settings.resetInterval().toNanos();
            resetAtNanos = clamped(now + guess, now);
            resetSource = ResetSource.PROJECTED;
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
        if (resetSource == ResetSource.PROJECTED && remaining == 0 && resetAtNanos - now > THROTTLE_FALLBACK_NANOS) {
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
        // The grace covers clock skew and rounding of a time the upstream named; a guess needs none.
        throttledUntilNanos = known ? clamped(until, now) + graceNanos() : now + backoff;
    }

    /** No upstream answer keeps the token out longer than {@code maxResetWait}. */
    private long clamped(long at, long now) {
        long latest = now + settings.maxResetWait().toNanos();
        return at - latest > 0 ? latest : at;
    }

    private void quarantine(long now) {
        strikes++;
        moveTo(State.QUARANTINED);
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

package dev.rlproxy.core.tokens;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.time.Scheduler;
import dev.rlproxy.core.store.TokenPoolStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * The tokens of one upstream and which one the next request gets.
 *
 * <p>Checkout policy: a token whose quota is untouched since its last reset (nothing used, nothing in
 * flight) first; otherwise the one with the most calls left (remaining − in flight); among equals the
 * starting point rotates, so load spreads. A token with no assumed quota ({@code defaultLimit} unset)
 * that has never answered flies one request at a time until its first response, as an unheard-of
 * bucket does: its real quota may be smaller than the requests waiting. A spent token (0 left, or
 * throttled) is skipped until its reset or retry-after plus {@code grace}; a token that answered 401
 * is quarantined with exponential back-off and then gets a single probe request; a generated
 * credential without a valid token is PENDING. Every response corrects the token's quota (see {@link TokenLease#release}).
 *
 * <p>Never blocks: {@link #checkout} answers with a completed future when it can, otherwise waits
 * on the {@link Scheduler} (for the earliest reset, a release, or a pending token) up to the caller's
 * maximum wait. Thread-safe: each decision is one short critical section over in-memory state;
 * futures are completed outside it.
 */
public final class TokenPool {

    /** Retry-after offered when nothing says when a token will come back (busy or pending tokens). */
    private static final long UNKNOWN_RETRY_NANOS = 1_000_000_000L;

    private final String name;
    private final TokenPoolSettings settings;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Object lock = new Object();
    /** The view shared with other replicas, or null when the pool knows only its own responses. */
    private final SharedTokenStates shared;

    // Guarded by lock.
    private final List<TokenSlot> slots = new ArrayList<>();
    private final Map<String, TokenSlot> slotsByFingerprint = new HashMap<>();
    private final Map<String, TokenSource> sources = new LinkedHashMap<>();
    private final Map<String, List<TokenCredential>> reported = new HashMap<>();
    private final List<CheckoutWaiter> waiters = new ArrayList<>();
    private long rotation;
    private boolean closed;

    /** @param name the upstream's name, for messages */
    public TokenPool(String name, TokenPoolSettings settings, Clock clock, Scheduler scheduler) {
        this(name, settings, clock, scheduler, null);
    }

    /**
     * A pool whose token states are shared with other replicas through {@code sharing} ({@code null}:
     * this process's own responses only). {@code name} keys the pool in the shared store.
     */
    public TokenPool(String name, TokenPoolSettings settings, Clock clock, Scheduler scheduler, TokenPoolSharing sharing) {
        if (name == null || settings == null || clock == null || scheduler == null) {
            throw new IllegalArgumentException("a token pool needs a name, settings, a clock and a scheduler");
        }
        this.name = name;
        this.settings = settings;
        this.clock = clock;
        this.scheduler = scheduler;
        this.shared = sharing == null ? null : new SharedTokenStates(sharing, name, scheduler, settings);
    }

    /**
     * A token for one request, preferring any not in {@code excludedFingerprints} (a retry's earlier
     * tokens). Completes at once when a token is free; otherwise when one becomes free within
     * {@code maxWaitNanos}; otherwise fails with {@link TokenUnavailableException} — at once when the
     * earliest known reset lies beyond the wait, or when {@code maxWaiters} checkouts already wait.
     * Cancelling the future withdraws the request.
     */
    public CompletableFuture<TokenLease> checkout(long maxWaitNanos, Set<String> excludedFingerprints) {
        if (maxWaitNanos < 0) {
            throw new IllegalArgumentException("maxWaitNanos must not be negative, was " + maxWaitNanos);
        }
        Set<String> excluded = excludedFingerprints == null ? Set.of() : Set.copyOf(excludedFingerprints);
        CheckoutWaiter waiter;
        synchronized (lock) {
            long now = clock.nanoTime();
            Attempt attempt = attempt(excluded, now);
            if (attempt.lease != null) {
                return CompletableFuture.completedFuture(attempt.lease);
            }
            if (attempt.refusal == null && maxWaitNanos > 0 && waiters.size() >= settings.maxWaiters()) {
                return CompletableFuture.failedFuture(new TokenUnavailableException(
                        TokenUnavailableException.Reason.QUEUE_FULL,
                        attempt.earliestKnown ? attempt.earliestAt - now : UNKNOWN_RETRY_NANOS,
                        "too many requests are waiting for a token of upstream '" + name + "' ("
                                + settings.maxWaiters() + ")"));
            }
            waiter = new CheckoutWaiter(excluded, now + maxWaitNanos);
            TokenUnavailableException refusal = attempt.refusal != null ? attempt.refusal : plan(waiter, attempt, now);
            if (refusal != null) {
                return CompletableFuture.failedFuture(refusal);
            }
            waiters.add(waiter);
        }
        waiter.future.whenComplete((lease, error) -> {
            if (waiter.future.isCancelled()) {
                withdraw(waiter);
            }
        });
        return waiter.future;
    }

    /**
     * Makes the pool's sources equal {@code configured}: sources with a new key start, sources whose
     * key is gone stop. Tokens no longer reported by any source retire — no new checkouts, dropped
     * once their leases end; tokens still reported keep their quota and quarantine state.
     */
    public void reconcile(List<TokenSource> configured) {
        Map<String, TokenSource> wanted = new LinkedHashMap<>();
        configured.forEach(source -> wanted.putIfAbsent(source.key(), source));
        List<TokenSource> toStart = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("token pool '" + name + "' is closed");
            }
            wanted.forEach((key, source) -> {
                if (!sources.containsKey(key)) {
                    sources.put(key, source);
                    toStart.add(source);
                }
            });
        }
        // New sources report before old ones go, so a token that moved keeps its accounting.
        toStart.forEach(source -> source.start(credentials -> sourceReported(source, credentials)));
        List<TokenSource> toStop = new ArrayList<>();
        synchronized (lock) {
            sources.entrySet().removeIf(entry -> {
                if (wanted.containsKey(entry.getKey())) {
                    return false;
                }
                toStop.add(entry.getValue());
                reported.remove(entry.getKey());
                return true;
            });
            rebuildSlots();
        }
        toStop.forEach(TokenSource::stop);
        serveWaiters();
    }

    /** Stops every source and fails every waiting checkout; the pool hands out nothing more. */
    public void close() {
        reconcile(List.of());
        synchronized (lock) {
            closed = true;
        }
        serveWaiters();
    }

    /** Every token by fingerprint, in configuration order, for /status and metrics. */
    public List<TokenStatus> status() {
        synchronized (lock) {
            long now = clock.nanoTime();
            long wallNow = clock.wallMillis();
            return slots.stream().map(slot -> slot.status(now, wallNow)).toList();
        }
    }

    /** Checkouts waiting for a token right now. */
    public int waitingCheckouts() {
        synchronized (lock) {
            return waiters.size();
        }
    }

    void settle(TokenLease lease, int status, RateLimitObservation observation, boolean used) {
        synchronized (lock) {
            TokenSlot slot = lease.slot();
            slot.onRelease(status, observation, used, clock.nanoTime(), clock.wallMillis());
            if (shared != null && used) {
                shared.observed(slot.report(clock.nanoTime(), clock.wallMillis()));
            }
            if (slot.retiring() && slot.inFlight() == 0) {
                slots.remove(slot);
                slotsByFingerprint.remove(slot.fingerprint(), slot);
            }
        }
        serveWaiters();
    }

    private void sourceReported(TokenSource source, List<TokenCredential> credentials) {
        synchronized (lock) {
            if (sources.get(source.key()) != source) {
                return; // a stopped source's late report
            }
            reported.put(source.key(), List.copyOf(credentials));
            rebuildSlots();
        }
        serveWaiters();
    }

    private void rebuildSlots() {
        Map<String, TokenCredential> union = new LinkedHashMap<>();
        sources.keySet().forEach(key -> reported.getOrDefault(key, List.of())
                .forEach(credential -> union.putIfAbsent(credential.fingerprint(), credential)));
        union.forEach((fingerprint, credential) -> {
            TokenSlot slot = slotsByFingerprint.get(fingerprint);
            if (slot == null) {
                slot = new TokenSlot(credential, settings);
                slots.add(slot);
                slotsByFingerprint.put(fingerprint, slot);
            } else {
                slot.revive(credential);
            }
        });
        for (Iterator<TokenSlot> it = slots.iterator(); it.hasNext(); ) {
            TokenSlot slot = it.next();
            if (!union.containsKey(slot.fingerprint())) {
                slot.retire();
                if (slot.inFlight() == 0) {
                    it.remove();
                    slotsByFingerprint.remove(slot.fingerprint());
                }
            }
        }
        if (shared != null) {
            shared.tokensChanged(sharedView, union.keySet());
        }
    }

    /** What {@link SharedTokenStates} reads from and gives to this pool. */
    private final SharedTokenStates.Pool sharedView = new SharedTokenStates.Pool() {
        @Override
        public Map<String, Integer> inFlightByFingerprint() {
            synchronized (lock) {
                return slots.stream().filter(slot -> slot.inFlight() > 0)
                        .collect(Collectors.toMap(TokenSlot::fingerprint, TokenSlot::inFlight));
            }
        }

        @Override
        public void adopt(Map<String, TokenPoolStore.SharedTokenState> view) {
            synchronized (lock) {
                long now = clock.nanoTime();
                long wallNow = clock.wallMillis();
                slots.forEach(slot -> slot.adopt(view.get(slot.fingerprint()), now, wallNow));
            }
            serveWaiters();
        }

        @Override
        public boolean isClosed() {
            synchronized (lock) {
                return closed;
            }
        }
    };

    /** Tries every waiting checkout in arrival order; completes, fails or re-arms each. */
    private void serveWaiters() {
        List<Runnable> completions = new ArrayList<>(0); // no backing array until something waits
        synchronized (lock) {
            if (waiters.isEmpty()) {
                return; // the usual case on release: nothing to iterate
            }
            long now = clock.nanoTime();
            for (Iterator<CheckoutWaiter> it = waiters.iterator(); it.hasNext(); ) {
                CheckoutWaiter waiter = it.next();
                if (waiter.future.isDone()) {
                    it.remove();
                    waiter.disarm();
                    continue;
                }
                Attempt attempt = attempt(waiter.excluded, now);
                if (attempt.lease != null) {
                    it.remove();
                    waiter.disarm();
                    TokenLease lease = attempt.lease;
                    completions.add(() -> {
                        if (!waiter.future.complete(lease)) {
                            lease.returnUnused();
                        }
                    });
                    continue;
                }
                TokenUnavailableException refusal = attempt.refusal != null ? attempt.refusal : plan(waiter, attempt, now);
                if (refusal != null) {
                    it.remove();
                    waiter.disarm();
                    completions.add(() -> waiter.future.completeExceptionally(refusal));
                }
            }
        }
        completions.forEach(Runnable::run);
    }

    private void withdraw(CheckoutWaiter waiter) {
        synchronized (lock) {
            waiters.remove(waiter);
            waiter.disarm();
        }
    }

    /**
     * Arms the waiter's timer for the earliest moment a token may be free, or refuses when that
     * lies beyond its deadline and no event (a release, a pending token) could come sooner.
     */
    private TokenUnavailableException plan(CheckoutWaiter waiter, Attempt attempt, long now) {
        long wakeAt;
        if (attempt.earliestKnown && attempt.earliestAt - waiter.deadline <= 0) {
            wakeAt = attempt.earliestAt;
        } else if (attempt.waitsForEvent && waiter.deadline - now > 0) {
            wakeAt = waiter.deadline;
        } else {
            long retryAfter = attempt.earliestKnown ? attempt.earliestAt - now : UNKNOWN_RETRY_NANOS;
            return new TokenUnavailableException(TokenUnavailableException.Reason.EXHAUSTED, retryAfter,
                    "no token of upstream '" + name + "' is free within the allowed wait: " + attempt.summary
                            + "; retry in " + Math.max(1, retryAfter / 1_000_000L) + " ms");
        }
        waiter.arm(wakeAt, now);
        return null;
    }

    /** One pass over the tokens: a lease if the policy finds a free token, else when to look again. */
    /** A plain loop: this runs on every checkout, where a stream would allocate. */
    private boolean allRetiring() {
        for (int i = 0; i < slots.size(); i++) {
            if (!slots.get(i).retiring()) {
                return false;
            }
        }
        return true;
    }

    private Attempt attempt(Set<String> excluded, long now) {
        if (closed || allRetiring()) {
            return Attempt.refused(new TokenUnavailableException(TokenUnavailableException.Reason.NO_TOKENS,
                    UNKNOWN_RETRY_NANOS, "upstream '" + name + "' has no tokens" + (closed ? " (pool closed)" : "")));
        }
        TokenSlot best = null;
        boolean earliestKnown = false;
        boolean waitsForEvent = false;
        long earliestAt = 0;
        int eligible = 0;
        Map<TokenState, Integer> unavailable = null; // only for the message when no token is free
        int size = slots.size();
        int start = (int) Math.floorMod(rotation, (long) size);
        for (int i = 0; i < size; i++) {
            TokenSlot slot = slots.get((start + i) % size);
            if (slot.retiring() || excluded.contains(slot.fingerprint())) {
                continue;
            }
            eligible++;
            TokenSlot.Availability availability = slot.refreshAvailability(now);
            switch (availability.kind()) {
                case NOW -> best = best == null || TokenSlot.PREFERENCE.compare(slot, best) > 0 ? slot : best;
                case AT -> {
                    earliestAt = earliestKnown && earliestAt - availability.atNanos() <= 0 ? earliestAt : availability.atNanos();
                    earliestKnown = true;
                }
                case ON_EVENT -> waitsForEvent = true;
            }
            if (availability.kind() != TokenSlot.Kind.NOW) {
                if (unavailable == null) {
                    unavailable = new LinkedHashMap<>();
                }
                unavailable.merge(slot.state(now), 1, Integer::sum);
            }
        }
        if (eligible == 0) {
            return Attempt.refused(new TokenUnavailableException(TokenUnavailableException.Reason.ONLY_EXCLUDED,
                    0, "every token of upstream '" + name + "' was already tried by this request"));
        }
        if (best == null) {
            String summary = (unavailable == null ? Map.<TokenState, Integer>of() : unavailable).entrySet().stream()
                    .map(e -> e.getValue() + " " + describe(e.getKey())).toList().toString();
            return new Attempt(null, null, earliestKnown, earliestAt, waitsForEvent, summary);
        }
        rotation++;
        best.onCheckout(now, clock.wallMillis());
        Secret secret = best.currentSecret().orElseThrow();
        return new Attempt(new TokenLease(this, best, secret), null, false, 0, false, "");
    }

    private static String describe(TokenState state) {
        // An ACTIVE token that cannot be checked out has all its remaining calls in flight.
        return state == TokenState.ACTIVE ? "busy" : state.name().toLowerCase(Locale.ROOT);
    }

    private record Attempt(TokenLease lease, TokenUnavailableException refusal, boolean earliestKnown,
                           long earliestAt, boolean waitsForEvent, String summary) {
        static Attempt refused(TokenUnavailableException refusal) {
            return new Attempt(null, refusal, false, 0, false, "");
        }
    }

    /** A checkout waiting for a token, with its timer. */
    private final class CheckoutWaiter {
        final CompletableFuture<TokenLease> future = new CompletableFuture<>();
        final Set<String> excluded;
        final long deadline;
        private Scheduler.Cancellable timer;
        private long wakeAt;

        CheckoutWaiter(Set<String> excluded, long deadline) {
            this.excluded = excluded;
            this.deadline = deadline;
        }

        void arm(long at, long now) {
            if (timer != null && wakeAt == at && at - now > 0) {
                return;
            }
            disarm();
            wakeAt = at;
            timer = scheduler.schedule(TokenPool.this::serveWaiters, at - now);
        }

        void disarm() {
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
        }
    }

    @Override
    public String toString() {
        return "TokenPool[" + name + "]";
    }
}

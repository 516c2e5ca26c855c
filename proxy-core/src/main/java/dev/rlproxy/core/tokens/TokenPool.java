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
 * credential without a valid token is PENDING. Every response corrects the token's quota (see {@link TokenLease#complete}).
 *
 * <p>Never blocks: {@link #checkout} answers with a completed future when it can, otherwise queues
 * the checkout up to the caller's maximum wait. Whatever frees a token — a lease ending, a reset or
 * back-off running out (the pool's one wake-up timer, set for the earliest), the replicas' shared
 * view, a source's new token — hands it over in the same critical section to the queued checkouts in
 * arrival order (one that excludes the free token is passed over), as HikariCP's {@code ConcurrentBag}
 * hands a returned connection to a waiting borrower rather than back to the bag: a newcomer never
 * takes a token an earlier checkout can use, and no release goes unnoticed by a checkout deciding
 * to wait. Each queued checkout has one timer of its own, its deadline. Thread-safe: each decision
 * is one short critical section over in-memory state; futures are completed outside it.
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
    private final WaitQueue waiters = new WaitQueue();
    /** The outlook every waiting checkout without exclusions was last planned against. */
    private final Outlook planned = new Outlook();
    /** A scan's result, reused. */
    private final Outlook scratch = new Outlook();
    private Scheduler.Cancellable wakeTimer;
    private long wakeAt;
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
     * Cancelling the future withdraws the request. Checkouts that wait are served in arrival order:
     * a newcomer never takes a token an earlier waiting checkout can use.
     */
    public CompletableFuture<TokenLease> checkout(long maxWaitNanos, Set<String> excludedFingerprints) {
        if (maxWaitNanos < 0) {
            throw new IllegalArgumentException("maxWaitNanos must not be negative, was " + maxWaitNanos);
        }
        // Set.copyOf of an empty Set.of() is that same set: no copy for a first attempt.
        Set<String> excluded = excludedFingerprints == null ? Set.of() : Set.copyOf(excludedFingerprints);
        CompletableFuture<TokenLease> answer;
        CheckoutWaiter resolved = null;
        CheckoutWaiter waiter = null;
        synchronized (lock) {
            long now = clock.nanoTime();
            if (waiters.size() > 0) {
                resolved = dispatch(now); // earlier checkouts first
            }
            answer = checkoutNowOrRefuse(excluded, now, maxWaitNanos);
            if (answer == null) {
                waiter = new CheckoutWaiter(excluded, now + maxWaitNanos);
                TokenUnavailableException refusal = plan(waiter, scratch, now);
                if (refusal != null) {
                    answer = CompletableFuture.failedFuture(refusal);
                } else {
                    enqueue(waiter, now);
                    answer = waiter.future;
                }
            }
        }
        completeAll(resolved);
        if (waiter != null && answer == waiter.future) {
            CheckoutWaiter queued = waiter;
            queued.future.whenComplete((lease, error) -> {
                if (queued.queued) {
                    withdraw(queued); // cancelled, or completed by its caller: no longer waiting
                }
            });
        }
        return answer;
    }

    /**
     * A lease when a token is free now, a failed future when the answer is no at once (no tokens,
     * only excluded ones, a full queue), else null: the caller waits, planned by {@link #scratch}.
     */
    private CompletableFuture<TokenLease> checkoutNowOrRefuse(Set<String> excluded, long now, long maxWaitNanos) {
        TokenUnavailableException noTokens = noTokens();
        if (noTokens != null) {
            return CompletableFuture.failedFuture(noTokens);
        }
        TokenSlot slot = scan(excluded, now, scratch);
        if (slot != null) {
            return CompletableFuture.completedFuture(lease(slot, now));
        }
        if (scratch.eligible == 0) {
            return CompletableFuture.failedFuture(onlyExcluded());
        }
        if (maxWaitNanos > 0 && waiters.size() >= settings.maxWaiters()) {
            return CompletableFuture.failedFuture(new TokenUnavailableException(
                    TokenUnavailableException.Reason.QUEUE_FULL, scratch.retryAfter(now),
                    "too many requests are waiting for a token of upstream '" + name + "' ("
                            + settings.maxWaiters() + ")"));
        }
        return null;
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

    /** A lease ended: its token's accounting is corrected and what it freed goes to the next waiter, in one step. */
    void settle(TokenLease lease, int status, RateLimitObservation observation, boolean used) {
        CheckoutWaiter resolved = null;
        synchronized (lock) {
            long now = clock.nanoTime();
            TokenSlot slot = lease.slot();
            slot.onRelease(status, observation, used, now, clock.wallMillis());
            if (shared != null && used) {
                shared.observed(slot.report(now, clock.wallMillis()));
            }
            if (slot.retiring() && slot.inFlight() == 0) {
                slots.remove(slot);
                slotsByFingerprint.remove(slot.fingerprint(), slot);
            }
            if (waiters.size() > 0) {
                resolved = dispatch(now);
            }
        }
        completeAll(resolved);
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
                slot = new TokenSlot(credential, settings, clock.nanoTime());
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

    /** Hands what the last event freed to the waiting checkouts; completes them outside the lock. */
    private void serveWaiters() {
        CheckoutWaiter resolved = null;
        synchronized (lock) {
            if (waiters.size() > 0) {
                resolved = dispatch(clock.nanoTime());
            }
        }
        completeAll(resolved);
    }

    /**
     * The handoff, under the lock: waiting checkouts in arrival order each take the token the
     * checkout policy picks for them, until no token is free (one that excludes the free tokens is
     * passed over; nothing is free for the rest once a checkout without exclusions finds nothing).
     * Then the ones that can no longer be served within their wait are refused — re-planned only
     * when the pool's outlook changed, so a release that frees one token costs one scan per waiter
     * served plus one, not a scan per waiter. Returns the resolved waiters, to complete outside.
     */
    private CheckoutWaiter dispatch(long now) {
        Resolutions done = new Resolutions();
        dispatch(now, done);
        return done.head;
    }

    private void dispatch(long now, Resolutions done) {
        TokenUnavailableException noTokens = noTokens();
        for (CheckoutWaiter waiter = waiters.head; waiter != null; ) {
            CheckoutWaiter next = waiter.next;
            if (noTokens != null) {
                done.refuse(waiter, noTokens);
            } else if (waiter.future.isDone()) {
                waiters.remove(waiter); // cancelled or completed by its caller; its callback withdraws it too
                waiter.disarm();
            } else {
                TokenSlot slot = scan(waiter.excluded, now, scratch);
                if (slot != null) {
                    done.serve(waiter, lease(slot, now));
                } else if (waiter.excluded.isEmpty()) {
                    break; // nothing is free for any later checkout either
                }
            }
            waiter = next;
        }
        if (waiters.size() > 0) {
            refuseThoseOutOfTime(now, done);
        }
        armWake(now);
    }

    /** Applies the current outlook to the waiters it may have changed for. */
    private void refuseThoseOutOfTime(long now, Resolutions done) {
        scan(Set.of(), now, scratch);
        boolean changed = !planned.sameAs(scratch);
        planned.copyFrom(scratch);
        if (!changed && waiters.excluding == 0) {
            return; // every waiter was planned against this very outlook
        }
        for (CheckoutWaiter waiter = waiters.head; waiter != null; ) {
            CheckoutWaiter next = waiter.next;
            TokenUnavailableException refusal = null;
            if (!waiter.excluded.isEmpty()) {
                scan(waiter.excluded, now, scratch); // a retry's own outlook: rare, and always re-planned
                refusal = scratch.eligible == 0 ? onlyExcluded() : plan(waiter, scratch, now);
            } else if (changed) {
                refusal = plan(waiter, planned, now);
            }
            if (refusal != null) {
                done.refuse(waiter, refusal);
            }
            waiter = next;
        }
    }

    /** A waiter's wait is over: served if a token is free now, else refused. */
    private void deadlinePassed(CheckoutWaiter waiter) {
        CheckoutWaiter resolved;
        synchronized (lock) {
            if (!waiter.queued) {
                return;
            }
            waiter.timer = null;
            long now = clock.nanoTime();
            Resolutions done = new Resolutions();
            dispatch(now, done);
            if (waiter.queued) {
                scan(waiter.excluded, now, scratch);
                TokenUnavailableException refusal = plan(waiter, scratch, now);
                if (refusal != null) {
                    done.refuse(waiter, refusal);
                    armWake(now);
                } else {
                    waiter.armDeadline(now); // the timer came early
                }
            }
            resolved = done.head;
        }
        completeAll(resolved);
    }

    /** The pool's one timer: when the earliest spent, throttled or quarantined token comes back. */
    private void armWake(long now) {
        if (waiters.size() == 0 || !planned.earliestKnown) {
            cancelWake();
            return;
        }
        if (wakeTimer != null && wakeAt == planned.earliestAt) {
            return;
        }
        cancelWake();
        wakeAt = planned.earliestAt;
        wakeTimer = scheduler.schedule(this::woken, wakeAt - now);
    }

    private void woken() {
        synchronized (lock) {
            wakeTimer = null;
        }
        serveWaiters();
    }

    private void cancelWake() {
        if (wakeTimer != null) {
            wakeTimer.cancel();
            wakeTimer = null;
        }
    }

    private void enqueue(CheckoutWaiter waiter, long now) {
        waiters.add(waiter);
        if (waiter.excluded.isEmpty()) {
            planned.copyFrom(scratch);
        } else {
            scan(Set.of(), now, planned); // the wake timer follows the whole pool
        }
        waiter.armDeadline(now);
        armWake(now);
    }

    private void withdraw(CheckoutWaiter waiter) {
        synchronized (lock) {
            if (waiter.queued) {
                waiters.remove(waiter);
                waiter.disarm();
                if (waiters.size() == 0) {
                    cancelWake();
                }
            }
        }
    }

    private static void completeAll(CheckoutWaiter resolved) {
        for (CheckoutWaiter waiter = resolved; waiter != null; ) {
            CheckoutWaiter next = waiter.nextResolved;
            waiter.nextResolved = null;
            if (waiter.lease != null) {
                TokenLease lease = waiter.lease;
                waiter.lease = null;
                if (!waiter.future.complete(lease)) {
                    lease.returnUnused(); // withdrawn meanwhile
                }
            } else {
                waiter.future.completeExceptionally(waiter.refusal);
            }
            waiter = next;
        }
    }

    /**
     * Whether the waiter may keep waiting under {@code outlook}: until the earliest known comeback if
     * that lies within its wait, else until its deadline if a release or a pending token may come
     * sooner; otherwise the refusal, saying when to try again.
     */
    private TokenUnavailableException plan(CheckoutWaiter waiter, Outlook outlook, long now) {
        if (outlook.earliestKnown && outlook.earliestAt - waiter.deadline <= 0) {
            return null;
        }
        if (outlook.waitsForEvent && waiter.deadline - now > 0) {
            return null;
        }
        long retryAfter = outlook.retryAfter(now);
        return new TokenUnavailableException(TokenUnavailableException.Reason.EXHAUSTED, retryAfter,
                "no token of upstream '" + name + "' is free within the allowed wait: " + summary(waiter.excluded, now)
                        + "; retry in " + Math.max(1, retryAfter / 1_000_000L) + " ms");
    }

    /** A plain loop: this runs on every checkout, where a stream would allocate. */
    private boolean allRetiring() {
        for (int i = 0; i < slots.size(); i++) {
            if (!slots.get(i).retiring()) {
                return false;
            }
        }
        return true;
    }

    private TokenUnavailableException noTokens() {
        if (!closed && !allRetiring()) {
            return null;
        }
        return new TokenUnavailableException(TokenUnavailableException.Reason.NO_TOKENS, UNKNOWN_RETRY_NANOS,
                "upstream '" + name + "' has no tokens" + (closed ? " (pool closed)" : ""));
    }

    private TokenUnavailableException onlyExcluded() {
        return new TokenUnavailableException(TokenUnavailableException.Reason.ONLY_EXCLUDED,
                0, "every token of upstream '" + name + "' was already tried by this request");
    }

    /**
     * One pass over the tokens not in {@code excluded}: the one the checkout policy picks among those
     * free now (null if none), and in {@code outlook} when the others may come back. No checkout.
     */
    private TokenSlot scan(Set<String> excluded, long now, Outlook outlook) {
        outlook.clear();
        TokenSlot best = null;
        int size = slots.size();
        int start = size == 0 ? 0 : (int) Math.floorMod(rotation, (long) size);
        for (int i = 0; i < size; i++) {
            TokenSlot slot = slots.get((start + i) % size);
            if (slot.retiring() || (!excluded.isEmpty() && excluded.contains(slot.fingerprint()))) {
                continue;
            }
            outlook.eligible++;
            TokenSlot.Availability availability = slot.refreshAvailability(now);
            switch (availability.kind()) {
                case NOW -> best = best == null || TokenSlot.PREFERENCE.compare(slot, best) > 0 ? slot : best;
                case AT -> outlook.comesBackAt(availability.atNanos());
                case ON_EVENT -> outlook.waitsForEvent = true;
            }
        }
        return best;
    }

    private TokenLease lease(TokenSlot slot, long now) {
        rotation++;
        slot.onCheckout(now, clock.wallMillis());
        return new TokenLease(this, slot, slot.currentSecret().orElseThrow());
    }

    /** Why no token is free, by state and count, for a refusal's message (never a token). */
    private String summary(Set<String> excluded, long now) {
        Map<TokenState, Integer> unavailable = new LinkedHashMap<>();
        for (TokenSlot slot : slots) {
            if (!slot.retiring() && !excluded.contains(slot.fingerprint())
                    && slot.refreshAvailability(now).kind() != TokenSlot.Kind.NOW) {
                unavailable.merge(slot.state(now), 1, Integer::sum);
            }
        }
        return unavailable.entrySet().stream().map(e -> e.getValue() + " " + describe(e.getKey())).toList().toString();
    }

    private static String describe(TokenState state) {
        // An ACTIVE token that cannot be checked out has all its remaining calls in flight.
        return state == TokenState.ACTIVE ? "busy" : state.name().toLowerCase(Locale.ROOT);
    }

    /** When tokens not free now may come back; filled by {@link #scan}, reused so a scan allocates nothing. */
    private static final class Outlook {
        int eligible;
        boolean earliestKnown;
        long earliestAt;
        boolean waitsForEvent;

        void clear() {
            eligible = 0;
            earliestKnown = false;
            earliestAt = 0;
            waitsForEvent = false;
        }

        void comesBackAt(long at) {
            earliestAt = earliestKnown && earliestAt - at <= 0 ? earliestAt : at;
            earliestKnown = true;
        }

        long retryAfter(long now) {
            return earliestKnown ? earliestAt - now : UNKNOWN_RETRY_NANOS;
        }

        boolean sameAs(Outlook other) {
            return earliestKnown == other.earliestKnown && earliestAt == other.earliestAt
                    && waitsForEvent == other.waitsForEvent;
        }

        void copyFrom(Outlook other) {
            eligible = other.eligible;
            earliestKnown = other.earliestKnown;
            earliestAt = other.earliestAt;
            waitsForEvent = other.waitsForEvent;
        }
    }

    /** The waiters one dispatch resolved, in arrival order, chained through the waiters themselves. */
    private final class Resolutions {
        CheckoutWaiter head;
        private CheckoutWaiter tail;

        void serve(CheckoutWaiter waiter, TokenLease lease) {
            waiter.lease = lease;
            resolve(waiter);
        }

        void refuse(CheckoutWaiter waiter, TokenUnavailableException refusal) {
            waiter.refusal = refusal;
            resolve(waiter);
        }

        private void resolve(CheckoutWaiter waiter) {
            waiters.remove(waiter);
            waiter.disarm();
            if (tail == null) {
                head = waiter;
            } else {
                tail.nextResolved = waiter;
            }
            tail = waiter;
        }
    }

    /** Waiting checkouts in arrival order, linked through the waiters: adding and withdrawing are O(1). */
    private static final class WaitQueue {
        CheckoutWaiter head;
        CheckoutWaiter tail;
        private int size;
        /** Waiters with exclusions (retries), planned one by one. */
        int excluding;

        int size() {
            return size;
        }

        void add(CheckoutWaiter waiter) {
            waiter.prev = tail;
            if (tail == null) {
                head = waiter;
            } else {
                tail.next = waiter;
            }
            tail = waiter;
            waiter.queued = true;
            size++;
            excluding += waiter.excluded.isEmpty() ? 0 : 1;
        }

        void remove(CheckoutWaiter waiter) {
            if (!waiter.queued) {
                return;
            }
            if (waiter.prev == null) {
                head = waiter.next;
            } else {
                waiter.prev.next = waiter.next;
            }
            if (waiter.next == null) {
                tail = waiter.prev;
            } else {
                waiter.next.prev = waiter.prev;
            }
            waiter.prev = null;
            waiter.next = null;
            waiter.queued = false;
            size--;
            excluding -= waiter.excluded.isEmpty() ? 0 : 1;
        }
    }

    /** A checkout waiting for a token, with the timer that ends its wait. */
    private final class CheckoutWaiter {
        final CompletableFuture<TokenLease> future = new CompletableFuture<>();
        final Set<String> excluded;
        final long deadline;
        // Guarded by lock, except queued, also read by the future's callback.
        volatile boolean queued;
        CheckoutWaiter prev;
        CheckoutWaiter next;
        Scheduler.Cancellable timer;
        /** What a dispatch decided, until it is completed outside the lock. */
        TokenLease lease;
        TokenUnavailableException refusal;
        CheckoutWaiter nextResolved;

        CheckoutWaiter(Set<String> excluded, long deadline) {
            this.excluded = excluded;
            this.deadline = deadline;
        }

        void armDeadline(long now) {
            timer = scheduler.schedule(() -> deadlinePassed(this), deadline - now);
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

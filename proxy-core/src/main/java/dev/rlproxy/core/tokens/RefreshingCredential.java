package dev.rlproxy.core.tokens;

import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.time.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A generated token kept fresh in the background: refreshed {@code refreshBefore} ahead of its
 * expiry on the {@link Scheduler}, never on the request path.
 *
 * <ul>
 *   <li>Single flight: however many callers ask for a refresh at once, the generator runs once.</li>
 *   <li>A failed refresh keeps the old token while it is still valid and retries with back-off
 *       (1 s, 2 s, 4 s ... at most 60 s).</li>
 *   <li>Once the token has expired with no replacement, {@link #current()} is empty: the pool shows
 *       the entry as {@link TokenState#PENDING} and checkouts wait for it.</li>
 * </ul>
 * Its {@link #fingerprint()} is derived from its name, so the pool keeps one entry (and one quota)
 * across refreshes.
 */
public final class RefreshingCredential implements TokenCredential {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshingCredential.class);
    private static final ExponentialBackoff RETRY = new ExponentialBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

    private final String name;
    private final String fingerprint;
    private final CredentialGenerator generator;
    private final long refreshBeforeNanos;
    private final Clock clock;
    private final Scheduler scheduler;
    private final AtomicReference<GeneratedCredential> current = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<GeneratedCredential>> inFlight = new AtomicReference<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private Scheduler.Cancellable timer;
    private boolean stopped;
    private int failures;

    /**
     * @param name a non-secret identity (e.g. {@code "oauth2 billing-api"}); the pool shows its fingerprint
     */
    public RefreshingCredential(String name, CredentialGenerator generator, Duration refreshBefore,
                                Clock clock, Scheduler scheduler) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a refreshing credential needs a name");
        }
        if (generator == null || clock == null || scheduler == null) {
            throw new IllegalArgumentException("generator, clock and scheduler are required");
        }
        if (refreshBefore == null || refreshBefore.isNegative()) {
            throw new IllegalArgumentException("refreshBefore must be zero or positive, was " + refreshBefore);
        }
        this.name = name;
        this.fingerprint = Fingerprint.of("generated:" + name);
        this.generator = generator;
        this.refreshBeforeNanos = refreshBefore.toNanos();
        this.clock = clock;
        this.scheduler = scheduler;
    }

    /** Fetches the first token (asynchronously) and keeps refreshing until {@link #stop()}. */
    public void start() {
        refresh();
    }

    /** Stops refreshing; the current token stays readable until it expires. */
    public synchronized void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    /** Runs {@code listener} whenever a new token arrives. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Starts a refresh unless one is already running, and returns the running one: concurrent
     * callers share a single call to the generator.
     */
    public CompletableFuture<GeneratedCredential> refresh() {
        CompletableFuture<GeneratedCredential> mine = new CompletableFuture<>();
        CompletableFuture<GeneratedCredential> running = inFlight.compareAndExchange(null, mine);
        if (running != null) {
            return running.copy();
        }
        CompletableFuture<GeneratedCredential> attempt;
        try {
            attempt = generator.generate();
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((credential, error) -> {
            Throwable problem = error != null ? unwrap(error) : expiredProblem(credential);
            if (problem == null) {
                accept(credential);
            } else {
                reject(problem);
            }
            inFlight.set(null);
            if (problem == null) {
                mine.complete(credential);
            } else {
                mine.completeExceptionally(problem);
            }
        });
        return mine.copy();
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public Optional<Secret> current() {
        GeneratedCredential credential = current.get();
        if (credential == null || clock.wallMillis() >= credential.expiresAt().toEpochMilli()) {
            return Optional.empty();
        }
        return Optional.of(credential.token());
    }

    private void accept(GeneratedCredential credential) {
        current.set(credential);
        long lifetime = millisUntil(credential) * 1_000_000L;
        synchronized (this) {
            failures = 0;
            // Short-lived tokens (lifetime <= refreshBefore) are refreshed half-way instead of at once.
            schedule(Math.max(lifetime - refreshBeforeNanos, lifetime / 2));
        }
        LOG.debug("refreshing credential '{}' ({}) has a new token, valid until {}", name, fingerprint,
                credential.expiresAt());
        listeners.forEach(Runnable::run);
    }

    private void reject(Throwable problem) {
        long delay;
        int attempt;
        synchronized (this) {
            attempt = ++failures;
            delay = RETRY.delayNanos(attempt);
            schedule(delay);
        }
        String keeping = current().isPresent() ? "keeping the current token while it is valid" : "no valid token (pending)";
        LOG.warn("refreshing credential '{}' ({}) failed, attempt {}: {}; {}; retrying in {} ms",
                name, fingerprint, attempt, describe(problem), keeping, delay / 1_000_000L);
    }

    private void schedule(long delayNanos) {
        if (stopped) {
            return;
        }
        if (timer != null) {
            timer.cancel();
        }
        timer = scheduler.schedule(this::refresh, delayNanos);
    }

    private Throwable expiredProblem(GeneratedCredential credential) {
        return millisUntil(credential) <= 0
                ? new IllegalStateException("the generator returned a token that has already expired")
                : null;
    }

    private long millisUntil(GeneratedCredential credential) {
        return credential.expiresAt().toEpochMilli() - clock.wallMillis();
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static String describe(Throwable problem) {
        return problem.getClass().getSimpleName() + (problem.getMessage() == null ? "" : ": " + problem.getMessage());
    }

    @Override
    public String toString() {
        return "RefreshingCredential[" + name + ", " + fingerprint + "]";
    }
}

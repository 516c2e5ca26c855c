package dev.rlproxy.server.simulator;

import dev.rlproxy.core.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the simulated upstream enforces and how it answers. Immutable and validated on construction;
 * start from {@link #github}, {@link #discord}, {@link #openai}, {@link #ietf} or {@link #none} and
 * refine with the {@code with...} methods.
 *
 * @param dialect              headers and refusal shape
 * @param limit                requests per {@code window} for every caller without its own limit
 *                             (for Discord: per route bucket)
 * @param window               the window length
 * @param tokenLimits          per-token overrides of {@code limit} (the caller {@code "anonymous"} too)
 * @param validTokens          when not empty, every other token, and a missing one, answers 401
 * @param windowMode           fixed windows like real APIs, or the strict sliding count
 * @param tokenHeader          the request header carrying the token; {@code Bearer}, {@code token}
 *                             and {@code Bot} prefixes are stripped
 * @param globalLimitPerSecond Discord only: requests per second per token across all routes
 * @param latency              fixed delay before every answer
 * @param bodyPaddingBytes     extra characters in every successful body
 * @param keepRequestJournal   keep WireMock's request journal (grows without bound; for tests
 *                             that inspect requests)
 * @param containerThreads     Jetty worker threads
 * @param clock                the only source of time (a manual clock makes tests deterministic)
 */
public record SimulatorSpec(
        SimulatedDialect dialect,
        int limit,
        Duration window,
        Map<String, Integer> tokenLimits,
        Set<String> validTokens,
        WindowMode windowMode,
        String tokenHeader,
        int globalLimitPerSecond,
        Duration latency,
        int bodyPaddingBytes,
        boolean keepRequestJournal,
        int containerThreads,
        Clock clock) {

    /** The caller key used when a request carries no token. */
    public static final String ANONYMOUS = "anonymous";
    /** Discord's documented global limit. */
    public static final int DEFAULT_DISCORD_GLOBAL_PER_SECOND = 50;
    private static final int DEFAULT_CONTAINER_THREADS = 32;
    /** Jetty needs threads for acceptors and selectors before it has any for requests. */
    private static final int MIN_CONTAINER_THREADS = 8;

    public SimulatorSpec {
        Objects.requireNonNull(dialect, "dialect must not be null");
        requirePositive(limit, "limit");
        Objects.requireNonNull(window, "window must not be null");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, got " + window);
        }
        Objects.requireNonNull(tokenLimits, "tokenLimits must not be null");
        tokenLimits.forEach((token, tokenLimit) -> {
            requireToken(token, "tokenLimits");
            if (tokenLimit == null || tokenLimit <= 0) {
                // The token itself stays out of the message: it is a secret.
                throw new IllegalArgumentException("every token limit must be positive, got " + tokenLimit);
            }
        });
        tokenLimits = Map.copyOf(tokenLimits);
        Objects.requireNonNull(validTokens, "validTokens must not be null (empty means: accept any token)");
        validTokens.forEach(token -> requireToken(token, "validTokens"));
        validTokens = Set.copyOf(validTokens);
        Objects.requireNonNull(windowMode, "windowMode must not be null");
        if (tokenHeader == null || tokenHeader.isBlank()) {
            throw new IllegalArgumentException("tokenHeader must name a request header, got '" + tokenHeader + "'");
        }
        requirePositive(globalLimitPerSecond, "globalLimitPerSecond");
        Objects.requireNonNull(latency, "latency must not be null");
        if (latency.isNegative() || latency.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("latency must be between 0 and Integer.MAX_VALUE ms, got " + latency);
        }
        if (bodyPaddingBytes < 0) {
            throw new IllegalArgumentException("bodyPaddingBytes must not be negative, got " + bodyPaddingBytes);
        }
        if (containerThreads < MIN_CONTAINER_THREADS) {
            throw new IllegalArgumentException(
                    "containerThreads must be at least " + MIN_CONTAINER_THREADS + ", got " + containerThreads);
        }
        Objects.requireNonNull(clock, "clock must not be null");
    }

    public static SimulatorSpec github(int limit, Duration window) {
        return of(SimulatedDialect.GITHUB, limit, window);
    }

    /** Per-route buckets of {@code limit} per {@code window}, plus Discord's global 50 per second per token. */
    public static SimulatorSpec discord(int limit, Duration window) {
        return of(SimulatedDialect.DISCORD, limit, window);
    }

    /** Requests per window (OpenAI counts per minute; any window works). */
    public static SimulatorSpec openai(int limit, Duration window) {
        return of(SimulatedDialect.OPENAI, limit, window);
    }

    public static SimulatorSpec ietf(int limit, Duration window) {
        return of(SimulatedDialect.IETF, limit, window);
    }

    public static SimulatorSpec none(int limit, Duration window) {
        return of(SimulatedDialect.NONE, limit, window);
    }

    private static SimulatorSpec of(SimulatedDialect dialect, int limit, Duration window) {
        return new SimulatorSpec(dialect, limit, window, Map.of(), Set.of(), WindowMode.FIXED, "Authorization",
                DEFAULT_DISCORD_GLOBAL_PER_SECOND, Duration.ZERO, 0, false, DEFAULT_CONTAINER_THREADS,
                Clock.system());
    }

    /** The limit that applies to {@code caller} (a token or {@link #ANONYMOUS}). */
    public int limitFor(String caller) {
        return tokenLimits.getOrDefault(caller, limit);
    }

    public SimulatorSpec withTokenLimit(String token, int tokenLimit) {
        requireToken(token, "withTokenLimit");
        Map<String, Integer> limits = new HashMap<>(tokenLimits);
        limits.put(token, tokenLimit);
        return withTokenLimits(limits);
    }

    public SimulatorSpec withTokenLimits(Map<String, Integer> limits) {
        return with(b -> b.tokenLimits = limits);
    }

    public SimulatorSpec withValidTokens(Set<String> tokens) {
        return with(b -> b.validTokens = tokens);
    }

    public SimulatorSpec withWindowMode(WindowMode mode) {
        return with(b -> b.windowMode = mode);
    }

    public SimulatorSpec withTokenHeader(String header) {
        return with(b -> b.tokenHeader = header);
    }

    public SimulatorSpec withGlobalLimit(int perSecond) {
        return with(b -> b.globalLimitPerSecond = perSecond);
    }

    public SimulatorSpec withLatency(Duration delay) {
        return with(b -> b.latency = delay);
    }

    public SimulatorSpec withBodyPadding(int bytes) {
        return with(b -> b.bodyPaddingBytes = bytes);
    }

    public SimulatorSpec withRequestJournal(boolean keep) {
        return with(b -> b.keepRequestJournal = keep);
    }

    public SimulatorSpec withContainerThreads(int threads) {
        return with(b -> b.containerThreads = threads);
    }

    public SimulatorSpec withClock(Clock newClock) {
        return with(b -> b.clock = newClock);
    }

    /** A copy with one change; the compact constructor validates the result. */
    private SimulatorSpec with(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /** This spec's components, mutable for one {@link #with} change: the only place that lists them all twice. */
    private static final class Copy {
        private final SimulatedDialect dialect;
        private final int limit;
        private final Duration window;
        private Map<String, Integer> tokenLimits;
        private Set<String> validTokens;
        private WindowMode windowMode;
        private String tokenHeader;
        private int globalLimitPerSecond;
        private Duration latency;
        private int bodyPaddingBytes;
        private boolean keepRequestJournal;
        private int containerThreads;
        private Clock clock;

        Copy(SimulatorSpec spec) {
            dialect = spec.dialect;
            limit = spec.limit;
            window = spec.window;
            tokenLimits = spec.tokenLimits;
            validTokens = spec.validTokens;
            windowMode = spec.windowMode;
            tokenHeader = spec.tokenHeader;
            globalLimitPerSecond = spec.globalLimitPerSecond;
            latency = spec.latency;
            bodyPaddingBytes = spec.bodyPaddingBytes;
            keepRequestJournal = spec.keepRequestJournal;
            containerThreads = spec.containerThreads;
            clock = spec.clock;
        }

        SimulatorSpec build() {
            return new SimulatorSpec(dialect, limit, window, tokenLimits, validTokens, windowMode, tokenHeader,
                    globalLimitPerSecond, latency, bodyPaddingBytes, keepRequestJournal, containerThreads, clock);
        }
    }

    /** Tokens are secrets: only their number is shown. */
    @Override
    public String toString() {
        return "SimulatorSpec[dialect=" + dialect + ", limit=" + limit + ", window=" + window
                + ", tokenLimits=" + tokenLimits.size() + " override(s), validTokens=" + validTokens.size()
                + ", windowMode=" + windowMode + ", tokenHeader=" + tokenHeader
                + ", globalLimitPerSecond=" + globalLimitPerSecond + ", latency=" + latency
                + ", bodyPaddingBytes=" + bodyPaddingBytes + ", keepRequestJournal=" + keepRequestJournal
                + ", containerThreads=" + containerThreads + "]";
    }

    private static void requirePositive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static void requireToken(String token, String where) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException(where + ": tokens must not be null or blank");
        }
    }
}

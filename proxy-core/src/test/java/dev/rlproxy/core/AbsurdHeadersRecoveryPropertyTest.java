package dev.rlproxy.core;

import dev.rlproxy.core.headers.CustomHeaderMapping;
import dev.rlproxy.core.headers.Dialects;
import dev.rlproxy.core.headers.HeaderDialect;
import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.ResponseHeaders;
import dev.rlproxy.core.headers.UpstreamResponse;
import dev.rlproxy.core.limit.BucketLimit;
import dev.rlproxy.core.limit.LearnedRef;
import dev.rlproxy.core.limit.LimiterSettings;
import dev.rlproxy.core.limit.LocalRateLimiter;
import dev.rlproxy.core.limit.Ticket;
import dev.rlproxy.core.limit.TicketRequest;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.core.tokens.TokenLease;
import dev.rlproxy.core.tokens.TokenPool;
import dev.rlproxy.core.tokens.TokenPoolSettings;
import dev.rlproxy.core.tokens.TokenSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: whatever an upstream answers (random, huge, negative, zero or garbage values in every
 * rate-limit header of every dialect, on any status), a token and a learned bucket are usable again
 * once {@code maxResetWait} and the margins have passed with no further answer. The dialect is
 * used raw (half the seeds) or bounded as the server wires it: the pool and the limiter must
 * protect themselves either way. Failures name the seed.
 */
class AbsurdHeadersRecoveryPropertyTest {

    private static final Duration MAX_RESET_WAIT = Duration.ofMinutes(5);
    /** Reset margin (500 ms) and token grace (500 ms), plus a second of slack. */
    private static final long MARGINS_NANOS = 2_000_000_000L;
    private static final Duration RESET_MARGIN = Duration.ofMillis(500);

    private static final List<String> NAMES = List.of(
            "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Used", "X-RateLimit-Reset",
            "X-RateLimit-Resource", "X-RateLimit-Bucket", "X-RateLimit-Reset-After", "X-RateLimit-Global",
            "X-RateLimit-Scope", "Retry-After", "retry-after-ms", "RateLimit", "RateLimit-Policy", "RateLimit-Limit",
            "RateLimit-Remaining", "RateLimit-Reset", "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests",
            "x-ratelimit-reset-requests", "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens",
            "x-ratelimit-reset-tokens", "X-Shopify-Shop-Api-Call-Limit", "X-Limit", "X-Remaining", "X-Reset",
            "X-Bucket", "X-Retry");

    private static final List<String> ABSURD = List.of(
            "0", "-1", "-0", "00", "1", "99999999999999", "999999999", "99999999", "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "1e400", "NaN", "Infinity", "garbage", "", " ",
            "0.0001", "31536000", "315360000", "3153600000", "999999999h", "8760h", "2562047h47m16.854775807s",
            "0/0", "40/0", "45/40", "99999999999999999/1", "1/99999999999999999",
            "Fri, 31 Dec 9999 23:59:59 GMT", "Sun, 06 Nov 1994 08:49:37 GMT", "Tue, 01 Jan 2036 00:00:00 GMT",
            "\"d\";q=0;w=60", "\"d\";r=0;t=99999999", "\"d\";q=10;r=0;t=315360000", "limit=0, remaining=0, reset=30",
            "limit=5, remaining=0, reset=999999999", "true", "global", "shared");

    private static final List<HeaderDialect> DIALECTS = dialects();

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void tokensAndLearnedBucketsRecoverByTheClamp(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ManualClock clock = new ManualClock();
        ManualScheduler scheduler = new ManualScheduler(clock);
        HeaderDialect raw = DIALECTS.get(random.nextInt(DIALECTS.size()));
        HeaderDialect dialect = random.nextBoolean() ? raw : Dialects.bounded(raw, "fuzz", MAX_RESET_WAIT);
        LocalRateLimiter limiter = new LocalRateLimiter(clock, scheduler,
                new LimiterSettings(100, RESET_MARGIN, MAX_RESET_WAIT));
        // Assumed quotas (defaultLimit, an assumed learned limit) are the configuration's, not an
        // answer's: large enough here that the few requests sent cannot use them up.
        TokenPoolSettings settings = new TokenPoolSettings(random.nextBoolean() ? null : 10L + random.nextInt(5000),
                Duration.ofHours(1), RESET_MARGIN, Duration.ofSeconds(30), Duration.ofHours(1))
                .withBounds(MAX_RESET_WAIT, 100);
        TokenPool pool = new TokenPool("fuzz", settings, clock, scheduler);
        pool.reconcile(List.of(TokenSource.staticValues(List.of("tok-a"))));
        BucketLimit assumed = random.nextBoolean() ? null : BucketLimit.of(10 + random.nextInt(100), Duration.ofHours(1));
        LearnedRef ref = new LearnedRef("fuzz|tok-a", "GET /x", assumed);
        String context = "seed " + seed + ", dialect " + dialect + (dialect == raw ? " (raw)" : " (bounded)");

        int rounds = 1 + random.nextInt(8);
        for (int round = 0; round < rounds; round++) {
            CompletableFuture<TokenLease> lease = pool.checkout(0, Set.of());
            CompletableFuture<Ticket> ticket = limiter.acquire(new TicketRequest(List.of(), ref, 1, 0));
            int status = pick(random, List.of(200, 200, 403, 429, 429, 503, 500));
            RateLimitObservation observation = dialect.parse(
                    new UpstreamResponse(status, ResponseHeaders.of(absurdHeaders(random, clock))), clock.wallMillis());
            if (isGranted(ticket)) {
                ticket.join().complete(observation);
            }
            if (isGranted(lease)) {
                lease.join().complete(status, observation);
            }
            scheduler.advanceNanos(random.nextLong(3_000_000_000L));
        }

        scheduler.advanceNanos(MAX_RESET_WAIT.toNanos() + MARGINS_NANOS);

        assertThat(isGranted(pool.checkout(0, Set.of()))).as(context + ": a token at once; " + pool.status()).isTrue();
        assertThat(isGranted(limiter.acquire(new TicketRequest(List.of(), ref, 1, 0))))
                .as(context + ": a ticket at once").isTrue();
    }

    private static boolean isGranted(CompletableFuture<?> future) {
        return future.isDone() && !future.isCompletedExceptionally();
    }

    private static Map<String, List<String>> absurdHeaders(SplittableRandom random, ManualClock clock) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int count = 1 + random.nextInt(10);
        for (int i = 0; i < count; i++) {
            String name = pick(random, NAMES);
            name = random.nextBoolean() ? name.toLowerCase(Locale.ROOT) : name;
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(absurdValue(random, clock));
        }
        return headers;
    }

    private static String absurdValue(SplittableRandom random, ManualClock clock) {
        long nowSeconds = clock.wallMillis() / 1000;
        return switch (random.nextInt(7)) {
            case 0 -> Long.toString(random.nextLong());
            case 1 -> Long.toString(nowSeconds + random.nextLong(0, 10L * 366 * 86_400)); // an epoch reset up to 10 years ahead
            case 2 -> Long.toString(random.nextLong(0, 10L * 366 * 86_400)); // a delta up to 10 years
            case 3 -> random.nextLong(0, 5000) + "/" + random.nextLong(0, 5000);
            case 4 -> "\"p\";q=" + random.nextLong(0, 100) + ";r=" + random.nextLong(0, 100) + ";t=" + random.nextLong(0, 400_000_000L);
            default -> pick(random, ABSURD);
        };
    }

    private static <T> T pick(SplittableRandom random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static List<HeaderDialect> dialects() {
        List<HeaderDialect> all = new ArrayList<>();
        Dialects.names().forEach(name -> all.add(Dialects.named(name)));
        for (CustomHeaderMapping.ResetFormat format : CustomHeaderMapping.ResetFormat.values()) {
            all.add(Dialects.custom(new CustomHeaderMapping("X-Limit", "X-Remaining", "X-Reset", format, "X-Bucket", "X-Retry")));
        }
        return all;
    }
}

package dev.rlproxy.core.headers;

import dev.rlproxy.core.headers.CustomHeaderMapping.ResetFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Property: every dialect is total. Random statuses, header maps (known names in random case,
 * duplicates, unknown names) and values (garbage, negatives, overflow, NaN, blanks, structured
 * field fragments, plausible values) never make a parser throw, and what comes out
 * stays within the observation's contract. Failures name the seed so they can be replayed.
 */
class DialectTotalityTest {

    private static final long NOW = 1_700_000_000_000L;

    private static final List<String> NAMES = List.of(
            "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Used", "X-RateLimit-Reset",
            "X-RateLimit-Resource", "X-RateLimit-Bucket", "X-RateLimit-Reset-After", "X-RateLimit-Global",
            "X-RateLimit-Scope", "Retry-After", "retry-after-ms", "RateLimit", "RateLimit-Policy", "RateLimit-Limit",
            "RateLimit-Remaining", "RateLimit-Reset", "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests",
            "x-ratelimit-reset-requests", "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens",
            "x-ratelimit-reset-tokens", "X-Shopify-Shop-Api-Call-Limit", "X-Limit", "X-Remaining", "X-Reset",
            "X-Bucket", "X-Retry", "Content-Type", "X-Unrelated");

    private static final List<String> NASTY_VALUES = List.of(
            "", " ", "\t", "-1", "-0", "0", "00", "1", "60", "5000", "4999", "1470173023", "1470173023.123", "64.57",
            "2.0", "99999999999999999999", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "NaN", "Infinity", "-Infinity", "1e309", "1E+10", "0x1F", "\u0661\u0662", "true", "TRUE", "false", "global",
            "user", "shared", "core", "abcd1234", "1s", "6m0s", "1h2m3.5s", "250ms", "-5s", "1.2.3s", "999999999h",
            "32/40", "40/40", "/", "1/0", "0/0", "-5/40", "99999999999999999999/1",
            "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
            "Sun, 31 Feb 2024 08:49:37 GMT", "Fri, 31 Dec 9999 23:59:59 GMT",
            "\"default\";q=100;w=60", "\"default\";r=50;t=30", "limit=100, remaining=50, reset=30",
            "\"a\";r=;t=-1", "\";;;,,,\"", "\"unterminated;r=1", "\\", "\"\\", ";", ",", "=", "a=b=c", ";q=5",
            "\"p\";q=99999999999999999999;w=NaN", "10, 10;w=1, 50;w=60", ":MGMz:", "\u0000", "\r\n", "\u00e9t\u00e9");

    private static final List<HeaderDialect> DIALECTS = dialects();

    static LongStream seeds() {
        return LongStream.range(0, 250);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyDialectIsTotalOnRandomResponses(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 4; round++) {
            UpstreamResponse response = randomResponse(random);
            for (HeaderDialect dialect : DIALECTS) {
                String context = "seed " + seed + ", round " + round + ", dialect " + dialect;
                RateLimitObservation[] result = new RateLimitObservation[1];

                assertThatCode(() -> result[0] = dialect.parse(response, NOW)).as(context).doesNotThrowAnyException();
                assertWithinContract(result[0], context);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sharedValueParserIsTotalOnRandomText(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 20; i++) {
            String value = randomValue(random);
            String context = "seed " + seed + ", value '" + value + "'";
            assertThatCode(() -> {
                assertThat(HeaderValues.count(value)).isGreaterThanOrEqualTo(-1);
                assertDelta(HeaderValues.secondsAsMillis(value));
                assertDelta(HeaderValues.goDurationAsMillis(value));
                assertDelta(RetryAfterHeaders.retryAfterMillis(value, NOW));
                assertEpoch(HeaderValues.epochSecondsAsMillis(value, NOW));
                assertEpoch(HeaderValues.httpDateAsEpochMillis(value, NOW));
                StructuredFieldList.parse(value);
            }).as(context).doesNotThrowAnyException();
        }
    }

    /** Plausible values come back exactly: the parsers are not merely total but right. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void plausibleGitHubValuesRoundTrip(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long limit = random.nextLong(1, 1_000_000);
        long remaining = random.nextLong(0, limit + 1);
        long resetSeconds = NOW / 1000 + random.nextLong(0, 7200);
        UpstreamResponse response = new UpstreamResponse(200, ResponseHeaders.of(
                randomCase(random, "X-RateLimit-Limit"), " " + limit,
                randomCase(random, "X-RateLimit-Remaining"), remaining + "\t",
                randomCase(random, "X-RateLimit-Reset"), Long.toString(resetSeconds)));

        assertThat(new GitHubHeaders().parse(response, NOW).windows()).as("seed " + seed)
                .containsExactly(new RateLimitWindow("default", limit, remaining, resetSeconds * 1000));
    }

    private static void assertWithinContract(RateLimitObservation observation, String context) {
        assertThat(observation).as(context).isNotNull();
        assertDelta(observation.retryAfterMillis());
        assertThat(observation.windows()).as(context).hasSizeLessThanOrEqualTo(2 * StructuredFieldList.MAX_MEMBERS);
        if (observation.bucket() != null) {
            assertThat(observation.bucket()).as(context).isEqualTo(HeaderValues.token(observation.bucket()));
        }
        for (RateLimitWindow window : observation.windows()) {
            assertThat(window.limit()).as(context).isGreaterThanOrEqualTo(-1);
            assertThat(window.remaining()).as(context).isGreaterThanOrEqualTo(-1);
            assertEpoch(window.resetAtEpochMillis());
        }
    }

    private static void assertDelta(long millis) {
        assertThat(millis).isBetween(-1L, HeaderValues.MAX_AHEAD_MILLIS);
    }

    private static void assertEpoch(long epochMillis) {
        assertThat(epochMillis).isBetween(-1L, NOW + HeaderValues.MAX_AHEAD_MILLIS);
    }

    private static UpstreamResponse randomResponse(SplittableRandom random) {
        int[] statuses = {200, 201, 204, 301, 400, 403, 404, 429, 500, 503};
        int status = random.nextInt(4) == 0 ? random.nextInt(100, 600) : statuses[random.nextInt(statuses.length)];
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int count = random.nextInt(12);
        for (int i = 0; i < count; i++) {
            String name = random.nextInt(10) == 0 ? randomText(random, 8) : randomCase(random, pick(random, NAMES));
            if (name.isEmpty()) {
                continue;
            }
            int duplicates = random.nextInt(5) == 0 ? 2 + random.nextInt(3) : 1;
            for (int d = 0; d < duplicates; d++) {
                headers.computeIfAbsent(name, n -> new ArrayList<>()).add(randomValue(random));
            }
        }
        return new UpstreamResponse(status, ResponseHeaders.of(headers));
    }

    private static String randomValue(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            case 0 -> randomText(random, 20);
            case 1 -> Long.toString(random.nextLong());
            case 2 -> random.nextDouble() * Math.pow(10, random.nextInt(-5, 25)) + "";
            case 3 -> pick(random, NASTY_VALUES) + pick(random, NASTY_VALUES);
            default -> pick(random, NASTY_VALUES);
        };
    }

    private static String randomText(SplittableRandom random, int maxLength) {
        String alphabet = "0123456789.,;:=\"\\-+ \tabcdefhmnrstuwqGMT/\u00b5\u0665\u00e9";
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static String randomCase(SplittableRandom random, String name) {
        return switch (random.nextInt(3)) {
            case 0 -> name.toLowerCase(Locale.ROOT);
            case 1 -> name.toUpperCase(Locale.ROOT);
            default -> name;
        };
    }

    private static <T> T pick(SplittableRandom random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static List<HeaderDialect> dialects() {
        List<HeaderDialect> all = new ArrayList<>();
        Dialects.names().forEach(name -> all.add(Dialects.named(name)));
        all.add(new ShopifyHeaders(1e-300));
        for (ResetFormat format : ResetFormat.values()) {
            all.add(Dialects.custom(new CustomHeaderMapping("X-Limit", "X-Remaining", "X-Reset", format, "X-Bucket", "X-Retry")));
        }
        return all;
    }
}

package dev.rlproxy.core.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueParsingTest {

    @ParameterizedTest
    @CsvSource({"500ms,500", "2s,2000", "1m,60000", "1h,3600000", "1d,86400000", "1m30s,90000", "0s,0",
            "1h1m1s1ms,3661001", " 30s ,30000"})
    void durations(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "30", "1.5s", "s", "-1s", "1w", "PT30S", "1m 30s", "99999999999999999999d"})
    void badDurationsSayWhatIsExpected(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(InvalidConfigException.class)
                .hasMessageMatching("(expected a duration like 30s, 500ms, 1m30s.*|duration .* is too large)");
    }

    @ParameterizedTest
    @CsvSource({"100B,100", "512KiB,524288", "10MiB,10485760", "1GiB,1073741824", "4096,4096", "0,0"})
    void sizes(String text, long bytes) {
        assertThat(DataSize.parse(text)).isEqualTo(new DataSize(bytes));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10MB", "1.5MiB", "-1", "MiB", "10 mib", "9999999999999GiB"})
    void badSizes(String text) {
        assertThatThrownBy(() -> DataSize.parse(text)).isInstanceOf(InvalidConfigException.class)
                .hasMessageMatching("(expected a size like 512KiB.*|size .* is too large)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"127.0.0.1:8080|127.0.0.1|8080|true", "[::1]:0|::1|0|true",
            "localhost:9090|localhost|9090|true", "0.0.0.0:80|0.0.0.0|80|false", "proxy.internal:65535|proxy.internal|65535|false",
            "127.1.2.3:1|127.1.2.3|1|true", "127.0.0.999:1|127.0.0.999|1|false", "[::]:8080|::|8080|false"})
    void hostPorts(String text, String host, int port, boolean loopback) {
        HostPort parsed = HostPort.parse(text);
        assertThat(parsed).isEqualTo(new HostPort(host, port));
        assertThat(parsed.isLoopback()).isEqualTo(loopback);
        assertThat(parsed.toString()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "8080", "host", ":8080", "::1:8080", "host:65536", "host:-1", "host:http", "[::1]8080", "a b:1"})
    void badHostPorts(String text) {
        assertThatThrownBy(() -> HostPort.parse(text)).isInstanceOf(InvalidConfigException.class)
                .hasMessageMatching("(expected host:port like .*|port must be between 0 and 65535, was .*)");
    }

    @ParameterizedTest
    @CsvSource({"upstream,UPSTREAM,", "token,TOKEN,", "ROUTE,ROUTE,", "header:X-Tenant,HEADER,X-Tenant"})
    void bucketScopes(String text, BucketScope.Kind kind, String header) {
        assertThat(BucketScope.parse(text)).isEqualTo(new BucketScope(kind, header));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tenant", "header:", "header:X Tenant", ""})
    void badBucketScopes(String text) {
        assertThatThrownBy(() -> BucketScope.parse(text)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("header");
    }

    @ParameterizedTest
    @CsvSource({"local-share,LOCAL_SHARE", "FAIL-CLOSED,FAIL_CLOSED"})
    void enumsUseDashedNames(String text, FailureMode mode) {
        assertThat(YamlEnums.parse(FailureMode.class, text)).isEqualTo(mode);
    }

    @org.junit.jupiter.api.Test
    void unknownEnumValueListsTheChoices() {
        assertThatThrownBy(() -> YamlEnums.parse(QuotaMetric.class, "bytes"))
                .hasMessage("expected requests | egress-bytes | ingress-bytes, got 'bytes'");
    }

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    /** Any sum of random parts, written in the config syntax, parses back to that sum. */
    @ParameterizedTest
    @MethodSource("seeds")
    void randomDurationsRoundTrip(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] units = {"ms", "s", "m", "h", "d"};
        long[] millisPerUnit = {1, 1_000, 60_000, 3_600_000, 86_400_000};
        StringBuilder text = new StringBuilder();
        long expected = 0;
        for (int parts = 1 + random.nextInt(4); parts > 0; parts--) {
            int unit = random.nextInt(units.length);
            long amount = random.nextLong(100_000);
            text.append(amount).append(units[unit]);
            expected += amount * millisPerUnit[unit];
        }
        assertThat(Durations.parse(text.toString())).as("seed %d: %s", seed, text).isEqualTo(Duration.ofMillis(expected));
    }

    /** A size's toString is valid config syntax for the same size. */
    @ParameterizedTest
    @MethodSource("seeds")
    void randomSizesRoundTrip(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long bytes = random.nextLong(1L << (1 + random.nextInt(32)));
        if (random.nextBoolean()) {
            bytes <<= 10 * random.nextInt(4);
        }
        DataSize size = new DataSize(bytes);
        assertThat(DataSize.parse(size.toString())).as("seed %d: %s", seed, size).isEqualTo(size);
    }

    /** Suggestions find a known key after up to two random edits, and never suggest a far one. */
    @ParameterizedTest
    @MethodSource("seeds")
    void suggestionsSurviveTwoEdits(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        java.util.List<String> known = java.util.List.of("maxRequestBody", "connectTimeout", "responseTimeout",
                "expectedReplicas", "defaultLimit", "resetInterval");
        String target = known.get(random.nextInt(known.size()));
        StringBuilder typo = new StringBuilder(target);
        int edits = random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(typo.length());
            switch (random.nextInt(3)) {
                case 0 -> typo.deleteCharAt(at);
                case 1 -> typo.insert(at, (char) ('a' + random.nextInt(26)));
                default -> typo.setCharAt(at, (char) ('a' + random.nextInt(26)));
            }
        }
        assertThat(Suggestions.closest(typo.toString(), known)).as("seed %d: %s", seed, typo).contains(target);
        assertThat(Suggestions.closest("zzzzzzzz", known)).isEmpty();
    }
}

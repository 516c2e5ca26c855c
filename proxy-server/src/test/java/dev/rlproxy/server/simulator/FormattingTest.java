package dev.rlproxy.server.simulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class FormattingTest {

    @ParameterizedTest
    @CsvSource({
            "0, 0s",
            "1, 1ms",
            "250000000, 250ms",
            "999000000, 999ms",
            "1000000000, 1s",
            "1500000000, 1.5s",
            "1020000000, 1.02s",
            "360000000000, 6m0s",
            "61250000000, 1m1.25s",
            "3723000000000, 1h2m3s",
            "3600000000000, 1h0m0s",
            "-5, 0s"})
    void goDurationsLookLikeGos(long nanos, String expected) {
        assertThat(GoDuration.format(nanos)).isEqualTo(expected);
    }

    @Test
    void secondsRoundUp() {
        assertThat(Seconds.ceil(0)).isZero();
        assertThat(Seconds.ceil(1)).isEqualTo(1);
        assertThat(Seconds.ceil(1_000_000_000L)).isEqualTo(1);
        assertThat(Seconds.ceil(1_000_000_001L)).isEqualTo(2);
        assertThat(Seconds.ceilMillis(1_000_001L)).isEqualTo(2);
        assertThat(Seconds.fractionalFromMillis(1_234)).isEqualTo("1.234");
        assertThat(Seconds.fractionalFromMillis(5)).isEqualTo("0.005");
    }

    @Test
    void jsonStringsAreEscaped() {
        assertThat(JsonText.quote("a\"b\\c\n\u0001")).isEqualTo("\"a\\\"b\\\\c\\n\\u0001\"");
        assertThat(JsonText.message("hi")).isEqualTo("{\"message\":\"hi\"}");
    }

    @Test
    void tokensAreFoundBehindEverySchemeOrBare() {
        assertThat(TokenAccess.tokenIn("Bearer abc")).contains("abc");
        assertThat(TokenAccess.tokenIn("token abc")).contains("abc");
        assertThat(TokenAccess.tokenIn("Bot abc")).contains("abc");
        assertThat(TokenAccess.tokenIn("bearer  abc ")).contains("abc");
        assertThat(TokenAccess.tokenIn("abc")).contains("abc");
        assertThat(TokenAccess.tokenIn("Bearer ")).isEmpty();
        assertThat(TokenAccess.tokenIn("  ")).isEmpty();
        assertThat(TokenAccess.tokenIn(null)).isEmpty();
    }

    @Test
    void discordRoutesShareABucketAcrossIdsButCountPerMajorParameter() {
        DiscordRoute first = DiscordRoute.of("GET", "/api/v10/channels/1/messages/7");
        DiscordRoute sameMajor = DiscordRoute.of("GET", "/api/v10/channels/1/messages/8");
        DiscordRoute otherMajor = DiscordRoute.of("GET", "/api/v10/channels/2/messages/7");
        DiscordRoute otherMethod = DiscordRoute.of("DELETE", "/api/v10/channels/1/messages/7");
        assertThat(first.major()).isEqualTo("1");
        assertThat(first.countKey()).isEqualTo(sameMajor.countKey());
        assertThat(otherMajor.bucket()).isEqualTo(first.bucket());
        assertThat(otherMajor.countKey()).isNotEqualTo(first.countKey());
        assertThat(otherMethod.bucket()).isNotEqualTo(first.bucket());
        assertThat(first.bucket()).matches("[0-9a-f]{32}");
        assertThat(DiscordRoute.of("GET", "/users/@me").major()).isEmpty();
        assertThat(DiscordRoute.of("GET", "/guilds/9/members/3").major()).isEqualTo("9");
    }
}

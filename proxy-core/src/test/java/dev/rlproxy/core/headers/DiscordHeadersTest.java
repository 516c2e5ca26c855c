package dev.rlproxy.core.headers;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DiscordHeadersTest {

    /** 64.57 s before the documented reset of 1470173023.123. */
    private static final long NOW = 1_470_172_958_553L;

    private final DiscordHeaders discord = new DiscordHeaders();

    @Test
    void readsTheDocumentedHeadersPreferringResetAfter() {
        RateLimitObservation observation = discord.parse(HttpCaptures.load("discord-headers"), 1_470_173_021_500L);

        assertThat(observation).isEqualTo(new RateLimitObservation("abcd1234",
                List.of(new RateLimitWindow("abcd1234", 5, 0, 1_470_173_022_500L)), false, false, -1));
    }

    @Test
    void userLimitRefusalWaitsTheLongerOfRetryAfterAndResetAfter() {
        RateLimitObservation observation = discord.parse(HttpCaptures.load("discord-user-limit-exceeded"), NOW);

        assertThat(observation).isEqualTo(new RateLimitObservation("abcd1234",
                List.of(new RateLimitWindow("abcd1234", 10, 0, 1_470_173_023_123L)), true, false, 65_000));
    }

    @Test
    void globalRefusalIsGlobalAndHasNoBucket() {
        RateLimitObservation observation = discord.parse(HttpCaptures.load("discord-global-limit-exceeded"), NOW);

        assertThat(observation).as("global comes from X-RateLimit-Global; the body is not needed")
                .isEqualTo(new RateLimitObservation(null, List.of(), true, true, 65_000));
    }

    @Test
    void globalScopeAloneMeansGlobal() {
        UpstreamResponse response = new UpstreamResponse(429, ResponseHeaders.of("X-RateLimit-Scope", "global"));

        assertThat(discord.parse(response, NOW).global()).isTrue();
    }

    @Test
    void sharedResourceRefusalIsNotGlobal() {
        RateLimitObservation observation = discord.parse(HttpCaptures.load("discord-shared-limit-exceeded"), NOW);

        assertThat(observation).isEqualTo(new RateLimitObservation("abcd1234",
                List.of(new RateLimitWindow("abcd1234", 10, 9, NOW + 1_337_570)), true, false, 1_337_570));
    }

    @Test
    void fallsBackToTheFractionalEpochResetWithoutResetAfter() {
        UpstreamResponse response = new UpstreamResponse(200, ResponseHeaders.of(
                "X-RateLimit-Reset", "1470173023.123", "X-RateLimit-Reset-After", "garbage"));

        assertThat(discord.parse(response, NOW).windows())
                .containsExactly(new RateLimitWindow("default", -1, -1, 1_470_173_023_123L));
    }
}

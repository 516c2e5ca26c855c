package dev.rlproxy.server.simulator;

import dev.rlproxy.core.time.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatorSpecTest {

    private final SimulatorSpec github = SimulatorSpec.github(30, Duration.ofSeconds(10));

    @Test
    void factoriesPickTheDialectAndSaneDefaults() {
        assertThat(github.dialect()).isEqualTo(SimulatedDialect.GITHUB);
        assertThat(SimulatorSpec.discord(5, Duration.ofSeconds(1)).dialect()).isEqualTo(SimulatedDialect.DISCORD);
        assertThat(SimulatorSpec.openai(5, Duration.ofMinutes(1)).dialect()).isEqualTo(SimulatedDialect.OPENAI);
        assertThat(SimulatorSpec.ietf(5, Duration.ofSeconds(1)).dialect()).isEqualTo(SimulatedDialect.IETF);
        assertThat(SimulatorSpec.none(5, Duration.ofSeconds(1)).dialect()).isEqualTo(SimulatedDialect.NONE);
        assertThat(github.windowMode()).isEqualTo(WindowMode.FIXED);
        assertThat(github.tokenHeader()).isEqualTo("Authorization");
        assertThat(github.keepRequestJournal()).isFalse();
        assertThat(github.latency()).isZero();
        assertThat(github.globalLimitPerSecond()).isEqualTo(50);
    }

    @Test
    void withersChangeOneThingAndKeepTheRest() {
        ManualClock clock = new ManualClock();
        SimulatorSpec spec = github.withTokenLimit("tok-b", 60).withValidTokens(Set.of("tok-a", "tok-b"))
                .withLatency(Duration.ofMillis(5)).withWindowMode(WindowMode.SLIDING).withTokenHeader("X-Key")
                .withGlobalLimit(7).withBodyPadding(100).withRequestJournal(true).withContainerThreads(16)
                .withClock(clock);
        assertThat(spec.limitFor("tok-b")).isEqualTo(60);
        assertThat(spec.limitFor("tok-a")).isEqualTo(30);
        assertThat(spec.validTokens()).containsExactlyInAnyOrder("tok-a", "tok-b");
        assertThat(spec.latency()).isEqualTo(Duration.ofMillis(5));
        assertThat(spec.windowMode()).isEqualTo(WindowMode.SLIDING);
        assertThat(spec.tokenHeader()).isEqualTo("X-Key");
        assertThat(spec.globalLimitPerSecond()).isEqualTo(7);
        assertThat(spec.bodyPaddingBytes()).isEqualTo(100);
        assertThat(spec.keepRequestJournal()).isTrue();
        assertThat(spec.containerThreads()).isEqualTo(16);
        assertThat(spec.clock()).isSameAs(clock);
        assertThat(spec.limit()).isEqualTo(30);
        assertThat(spec.window()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void collectionsAreCopiedAndImmutable() {
        Map<String, Integer> limits = new HashMap<>(Map.of("a", 1));
        SimulatorSpec spec = github.withTokenLimits(limits);
        limits.put("b", 2);
        assertThat(spec.tokenLimits()).containsOnlyKeys("a");
        assertThatThrownBy(() -> spec.tokenLimits().put("c", 3)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void badValuesFailWithClearMessages() {
        assertThatThrownBy(() -> SimulatorSpec.github(0, Duration.ofSeconds(1)))
                .hasMessage("limit must be positive, got 0");
        assertThatThrownBy(() -> SimulatorSpec.github(1, Duration.ZERO))
                .hasMessage("window must be positive, got PT0S");
        assertThatThrownBy(() -> SimulatorSpec.github(1, null)).hasMessage("window must not be null");
        assertThatThrownBy(() -> github.withLatency(Duration.ofMillis(-1))).hasMessageContaining("latency");
        assertThatThrownBy(() -> github.withBodyPadding(-1))
                .hasMessage("bodyPaddingBytes must not be negative, got -1");
        assertThatThrownBy(() -> github.withTokenHeader(" ")).hasMessageContaining("tokenHeader");
        assertThatThrownBy(() -> github.withGlobalLimit(0)).hasMessage("globalLimitPerSecond must be positive, got 0");
        assertThatThrownBy(() -> github.withContainerThreads(2)).hasMessage("containerThreads must be at least 8, got 2");
        assertThatThrownBy(() -> github.withValidTokens(Set.of(""))).hasMessageContaining("blank");
        assertThatThrownBy(() -> github.withWindowMode(null)).hasMessage("windowMode must not be null");
    }

    @Test
    void tokensNeverAppearInMessagesOrToString() {
        assertThatThrownBy(() -> github.withTokenLimit("ghp_secret", -4))
                .hasMessage("every token limit must be positive, got -4")
                .hasMessageNotContaining("ghp_secret");
        SimulatorSpec spec = github.withTokenLimit("ghp_secret", 5).withValidTokens(Set.of("ghp_secret", "ghp_other"));
        assertThat(spec.toString()).doesNotContain("ghp_").contains("1 override(s)", "validTokens=2", "GITHUB");
    }
}

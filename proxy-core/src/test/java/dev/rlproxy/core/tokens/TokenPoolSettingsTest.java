package dev.rlproxy.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenPoolSettingsTest {

    @Test
    void badValuesAreRejectedWithTheirName() {
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new TokenPoolSettings(0L, s, s, s, s)).hasMessageContaining("defaultLimit");
        assertThatThrownBy(() -> new TokenPoolSettings(null, Duration.ZERO, s, s, s)).hasMessageContaining("resetInterval");
        assertThatThrownBy(() -> new TokenPoolSettings(null, s, Duration.ofSeconds(-1), s, s)).hasMessageContaining("grace");
        assertThatThrownBy(() -> new TokenPoolSettings(null, s, s, Duration.ofMinutes(2), Duration.ofMinutes(1)))
                .hasMessageContaining("quarantineMax");
    }

    @Test
    void quarantineBackOffDoublesUpToItsMaximum() {
        ExponentialBackoff backoff = TokenPoolSettings.DEFAULTS.quarantineBackoff();
        assertThat(backoff.delayNanos(1)).isEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(backoff.delayNanos(2)).isEqualTo(Duration.ofSeconds(60).toNanos());
        assertThat(backoff.delayNanos(8)).isEqualTo(Duration.ofHours(1).toNanos());
        assertThat(backoff.delayNanos(Integer.MAX_VALUE)).isEqualTo(Duration.ofHours(1).toNanos());
    }
}

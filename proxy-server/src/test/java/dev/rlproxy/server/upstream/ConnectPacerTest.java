package dev.rlproxy.server.upstream;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectPacerTest {

    private static final long MS = 1_000_000L;

    @Test
    void aTenthOfASecondsWorthAtOnceThenEvenlySpaced() {
        AtomicLong now = new AtomicLong(5_000 * MS);
        ConnectPacer pacer = new ConnectPacer(20, now::get);

        assertThat(pacer.reserveNanos()).isZero();
        assertThat(pacer.reserveNanos()).isZero();
        assertThat(pacer.reserveNanos()).isEqualTo(50 * MS);
        assertThat(pacer.reserveNanos()).isEqualTo(100 * MS);

        now.addAndGet(1_000 * MS); // a quiet second: the burst is available again, no more
        assertThat(pacer.reserveNanos()).isZero();
        assertThat(pacer.reserveNanos()).isZero();
        assertThat(pacer.reserveNanos()).isEqualTo(50 * MS);
    }

    @Test
    void aLowRateGoesOneAtATime() {
        AtomicLong now = new AtomicLong();
        ConnectPacer pacer = new ConnectPacer(2, now::get);
        assertThat(pacer.reserveNanos()).isZero();
        assertThat(pacer.reserveNanos()).isEqualTo(500 * MS);
        assertThatThrownBy(() -> new ConnectPacer(0, now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}

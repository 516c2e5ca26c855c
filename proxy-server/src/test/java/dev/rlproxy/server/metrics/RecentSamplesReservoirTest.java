package dev.rlproxy.server.metrics;

import com.codahale.metrics.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecentSamplesReservoirTest {

    @Test
    void keepsEverySampleUntilFull() {
        RecentSamplesReservoir reservoir = new RecentSamplesReservoir(8);
        LongStream.of(5, 1, 3).forEach(reservoir::update);

        Snapshot snapshot = reservoir.getSnapshot();
        assertThat(reservoir.size()).isEqualTo(3);
        assertThat(snapshot.getValues()).containsExactly(1, 3, 5);
        assertThat(snapshot.getMedian()).isEqualTo(3.0);
    }

    @Test
    void thenKeepsTheLastSamplesOnly() {
        RecentSamplesReservoir reservoir = new RecentSamplesReservoir(4);
        LongStream.rangeClosed(1, 10).forEach(reservoir::update);

        assertThat(reservoir.size()).isEqualTo(4);
        assertThat(reservoir.getSnapshot().getValues()).containsExactly(7, 8, 9, 10);
        assertThat(reservoir.getSnapshot().getMax()).isEqualTo(10);
    }

    @Test
    void anEmptyReservoirHasAnEmptySnapshot() {
        RecentSamplesReservoir reservoir = new RecentSamplesReservoir(4);

        assertThat(reservoir.size()).isZero();
        assertThat(reservoir.getSnapshot().size()).isZero();
    }

    @Test
    void theSizeMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new RecentSamplesReservoir(1000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachThreadKeepsItsOwnLastSamples() throws InterruptedException {
        RecentSamplesReservoir reservoir = new RecentSamplesReservoir(256);
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long value = t + 1;
            Thread writer = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int i = 0; i < 200; i++) {
                    reservoir.update(value);
                }
            });
            writer.start();
            writers.add(writer);
        }
        start.countDown();
        for (Thread writer : writers) {
            writer.join();
        }

        // Threads whose ids share a ring keep that ring's last 256 between them; none is lost below that.
        long[] values = reservoir.getSnapshot().getValues();
        assertThat(values).hasSizeBetween(256, 800).doesNotContain(0L);
        assertThat(reservoir.size()).isEqualTo(values.length);
        for (long v = 1; v <= threads; v++) {
            long value = v;
            assertThat(LongStream.of(values).filter(x -> x == value).count()).as("samples of writer " + v).isPositive();
        }
    }
}

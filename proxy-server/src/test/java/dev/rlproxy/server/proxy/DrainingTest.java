package dev.rlproxy.server.proxy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Draining over the registered client connections: what is in flight is counted when asked. */
class DrainingTest {

    private static final Upstream API = new Upstream("api", null, null, null, "Authorization", "Bearer {token}",
            List.of(), null, 1, 1, RequestForwarding.NONE, false);
    private static final Upstream OTHER = new Upstream("other", null, null, null, "Authorization", "Bearer {token}",
            List.of(), null, 1, 1, RequestForwarding.NONE, false);

    /** A connection busy with an exchange to {@code busyWith} (null: between exchanges). */
    private static final class FakeConnection implements Draining.Connection {
        Upstream busyWith;
        final List<String> calls = new ArrayList<>();

        FakeConnection(Upstream busyWith) {
            this.busyWith = busyWith;
        }

        @Override
        public Upstream busyWith() {
            return busyWith;
        }

        @Override
        public void shutdown() {
            calls.add("shutdown");
        }
    }

    @Test
    void inFlightCountsTheConnectionsBusyWithAnExchangeNow() {
        Draining draining = new Draining();
        FakeConnection idle = new FakeConnection(null);
        FakeConnection busy = new FakeConnection(API);
        draining.add(idle);
        draining.add(busy);
        assertThat(draining.inFlight()).isEqualTo(1);

        idle.busyWith = OTHER;
        assertThat(draining.inFlight()).isEqualTo(2);
        assertThat(draining.anyLive(u -> u.name().equals("other"))).isTrue();

        draining.remove(idle);
        busy.busyWith = null;
        assertThat(draining.inFlight()).isZero();
        assertThat(draining.anyLive(u -> true)).isFalse();
    }

    @Test
    void beginAsksOnlyBusyConnectionsToShutTheirExchangeDown() {
        Draining draining = new Draining();
        FakeConnection idle = new FakeConnection(null);
        FakeConnection busy = new FakeConnection(API);
        draining.add(idle);
        draining.add(busy);

        assertThat(draining.begin()).isEqualTo(1);

        assertThat(draining.started()).isTrue();
        assertThat(busy.calls).containsExactly("shutdown");
        assertThat(idle.calls).isEmpty();
    }
}

package dev.rlproxy.server.simulator;

import dev.rlproxy.core.time.ManualClock;
import org.junit.jupiter.api.AfterEach;

/** A simulator on real sockets whose time moves only when the test says so. */
abstract class ManualClockSimulatorTest {

    protected final ManualClock clock = new ManualClock();
    protected UpstreamSimulator simulator;
    protected SimulatorClient client;

    protected void start(SimulatorSpec spec) {
        simulator = UpstreamSimulator.start(spec.withClock(clock));
        client = new SimulatorClient(simulator);
    }

    @AfterEach
    void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }
}

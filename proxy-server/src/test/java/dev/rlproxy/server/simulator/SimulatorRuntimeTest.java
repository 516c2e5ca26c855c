package dev.rlproxy.server.simulator;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.rlproxy.core.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Behaviour shared by every dialect: real-time windows, concurrency, latency, padding, the journal. */
class SimulatorRuntimeTest {

    private UpstreamSimulator simulator;

    private SimulatorClient start(SimulatorSpec spec) {
        simulator = UpstreamSimulator.start(spec);
        return new SimulatorClient(simulator);
    }

    @AfterEach
    void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private static SimulatorSpec spec(SimulatedDialect dialect, int limit, Duration window) {
        return switch (dialect) {
            case GITHUB -> SimulatorSpec.github(limit, window);
            case DISCORD -> SimulatorSpec.discord(limit, window).withGlobalLimit(1_000);
            case OPENAI -> SimulatorSpec.openai(limit, window);
            case IETF -> SimulatorSpec.ietf(limit, window);
            case NONE -> SimulatorSpec.none(limit, window);
        };
    }

    private static int refusalStatus(SimulatedDialect dialect) {
        return dialect == SimulatedDialect.GITHUB ? 403 : 429;
    }

    @ParameterizedTest
    @EnumSource(SimulatedDialect.class)
    void aShortRealTimeWindowResets(SimulatedDialect dialect) {
        SimulatorClient client = start(spec(dialect, 2, Duration.ofMillis(300)));
        assertThat(client.getTimes(2, "/r", "tok")).isEqualTo(2);
        // The window is 300 ms and the test does not sleep: if the window happened to end while
        // filling it, the retry loop below still converges on a full window and a refusal.
        await().atMost(Duration.ofSeconds(5)).until(() -> client.get("/r", "tok").statusCode() == refusalStatus(dialect));
        long violations = simulator.violations();
        assertThat(violations).isPositive();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> client.get("/r", "tok").statusCode() == 200);
        assertThat(simulator.accepted()).isGreaterThanOrEqualTo(3);
        assertThat(simulator.violations() + simulator.accepted()).isEqualTo(simulator.requestsSeen());
    }

    @ParameterizedTest
    @EnumSource(SimulatedDialect.class)
    void aConcurrentBurstAdmitsExactlyTheLimit(SimulatedDialect dialect) throws Exception {
        SimulatorClient client = start(spec(dialect, 20, Duration.ofSeconds(10)).withClock(new ManualClock()));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> senders = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                senders.add(() -> client.getTimes(50, "/burst", "tok"));
            }
            int ok = 0;
            for (Future<Integer> sent : pool.invokeAll(senders)) {
                ok += sent.get();
            }
            assertThat(ok).isEqualTo(20);
        } finally {
            pool.shutdownNow();
        }
        assertThat(simulator.accepted()).isEqualTo(20);
        assertThat(simulator.violations()).isEqualTo(180);
        assertThat(simulator.requestsSeen()).isEqualTo(200);
        assertThat(simulator.acceptedByToken()).isEqualTo(Map.of("tok", 20L));
        assertThat(simulator.violationsByToken()).isEqualTo(Map.of("tok", 180L));
    }

    @Test
    void latencyDelaysEveryAnswer() {
        SimulatorClient client = start(SimulatorSpec.github(1, Duration.ofSeconds(10)).withLatency(Duration.ofMillis(150)));
        for (int i = 0; i < 2; i++) {
            long startedAt = System.nanoTime();
            client.get("/slow", "tok");
            assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        }
        assertThat(simulator.violations()).isEqualTo(1);
    }

    @Test
    void paddingGrowsSuccessfulBodies() {
        SimulatorClient client = start(SimulatorSpec.github(5, Duration.ofSeconds(10)).withBodyPadding(1_000));
        HttpResponse<String> padded = client.get("/big", "tok");
        assertThat(padded.body()).startsWith("{\"ok\":true,").contains("\"pad\":\"" + "x".repeat(1_000) + "\"");
        assertThat(padded.body().length()).isBetween(1_000, 1_100);
    }

    @Test
    void theRequestJournalIsOffUnlessAsked() {
        SimulatorClient client = start(SimulatorSpec.github(5, Duration.ofSeconds(10)));
        client.get("/a", "tok");
        assertThatThrownBy(() -> simulator.wireMock().findAll(anyRequestedFor(anyUrl())))
                .hasMessageContaining("journal");
    }

    @Test
    void aKeptJournalRecordsRequestsAndResetEmptiesIt() {
        SimulatorClient client = start(SimulatorSpec.github(5, Duration.ofSeconds(10)).withRequestJournal(true));
        client.get("/a", "tok");
        client.get("/b", "tok");
        List<LoggedRequest> requests = simulator.wireMock().findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).extracting(LoggedRequest::getUrl).containsExactlyInAnyOrder("/a", "/b");
        assertThat(requests).allSatisfy(request -> assertThat(request.getHeader("Authorization")).isEqualTo("Bearer tok"));
        simulator.reset();
        assertThat(simulator.wireMock().findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void theSimulatorListensOnLoopbackAndNamesItsPort() {
        start(SimulatorSpec.ietf(5, Duration.ofSeconds(1)));
        assertThat(simulator.port()).isPositive();
        assertThat(simulator.baseUrl()).isEqualTo("http://127.0.0.1:" + simulator.port());
        assertThat(simulator.spec().dialect()).isEqualTo(SimulatedDialect.IETF);
    }
}

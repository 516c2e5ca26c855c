package dev.rlproxy.server.proxy;

import dev.rlproxy.core.limit.TicketRefusedException;
import dev.rlproxy.core.metrics.ProxyMetrics;
import dev.rlproxy.core.metrics.RequestOutcome;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.tokens.TokenUnavailableException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What one exchange reports: waits and latency from the injected clock, who answered, once only. */
class ExchangeRecorderTest {

    private final ManualClock clock = new ManualClock();
    private final List<RequestOutcome> outcomes = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final ProxyMetrics metrics = new ProxyMetrics() {
        @Override
        public void requestCompleted(RequestOutcome outcome) {
            outcomes.add(outcome);
        }

        @Override
        public void upstreamThrottled(String upstream, String route) {
            events.add("throttled " + upstream + " " + route);
        }

        @Override
        public void tokenRetried(String upstream, String route) {
            events.add("retried " + upstream + " " + route);
        }
    };

    private ExchangeRecorder recorder() {
        return new ExchangeRecorder(metrics, clock, "gh", "/gh/", "GET", "/gh/repos/x?access_token=secret");
    }

    @Test
    void relayedAnswerCarriesQueueWaitUpstreamTimeBytesAndRetries() {
        ExchangeRecorder recorder = recorder();
        recorder.tokenCheckedOut("sha256:aaaa0000");
        clock.advance(Duration.ofMillis(40));
        recorder.admitted(clock.nanoTime());
        recorder.sent(clock.nanoTime());
        clock.advance(Duration.ofMillis(120));
        recorder.responseHead(429, true);
        recorder.retried();
        recorder.tokenCheckedOut("sha256:bbbb1111");
        recorder.sent(clock.nanoTime());
        clock.advance(Duration.ofMillis(30));
        recorder.responseHead(200, false);
        recorder.relayed(100);
        recorder.relayed(23);
        recorder.upstreamAnswered(7);
        recorder.upstreamAnswered(7); // a second end is not a second request

        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(200);
            assertThat(o.answeredByProxy()).isFalse();
            assertThat(o.path()).isEqualTo("/gh/repos/x");
            assertThat(o.queueWaitNanos()).isEqualTo(Duration.ofMillis(40).toNanos());
            assertThat(o.upstreamNanos()).isEqualTo(Duration.ofMillis(30).toNanos());
            assertThat(o.bytesIn()).isEqualTo(7);
            assertThat(o.bytesOut()).isEqualTo(123);
            assertThat(o.tokenFingerprint()).isEqualTo("sha256:bbbb1111");
            assertThat(o.retries()).isEqualTo(1);
            assertThat(o.statusClass()).isEqualTo("2xx");
        });
        assertThat(events).containsExactly("throttled gh /gh/", "retried gh /gh/");
    }

    @Test
    void refusalsAreNamedByTheirCause() {
        ExchangeRecorder full = recorder();
        full.refusedBecause(new TicketRefusedException(TicketRefusedException.Reason.QUEUE_FULL, 1, "full"));
        full.proxyAnswered(ProxyError.rateLimited("full", 1), 0);
        ExchangeRecorder noToken = recorder();
        noToken.refusedBecause(new TokenUnavailableException(TokenUnavailableException.Reason.NO_TOKENS, 1, "none"));
        noToken.proxyAnswered(ProxyError.rateLimited("none", 1), 0);
        ExchangeRecorder timeout = recorder();
        timeout.proxyAnswered(ProxyError.upstreamTimeout("gh", "slow"), 0);

        assertThat(outcomes).extracting(RequestOutcome::proxyReason)
                .containsExactly("queue_full", "no_token", "upstream_timeout");
        assertThat(outcomes).extracting(RequestOutcome::status).containsExactly(429, 429, 504);
        assertThat(outcomes.get(2).upstreamNanos()).isEqualTo(-1);
    }

    @Test
    void clientLeavingAndAConnectionClosedWithoutAnswerAreTheirOwnOutcomes() {
        recorder().clientClosed(0);
        recorder().upstreamAnswered(0);
        assertThat(outcomes).extracting(RequestOutcome::status, RequestOutcome::proxyReason, RequestOutcome::statusClass)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(499, "client_closed", "4xx"),
                        org.assertj.core.groups.Tuple.tuple(0, "connection_closed", "none"));
    }
}

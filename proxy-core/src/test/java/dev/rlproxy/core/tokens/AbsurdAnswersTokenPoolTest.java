package dev.rlproxy.core.tokens;

import dev.rlproxy.core.headers.GitHubHeaders;
import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.headers.ResponseHeaders;
import dev.rlproxy.core.headers.UpstreamResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.rlproxy.core.tokens.PoolFixture.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One broken upstream answer must not take a token out of service for long: a limit of 0 is no
 * information, every reset and retry-after is held to {@code maxResetWait}, and once a reset that
 * was only projected passes, a probe goes instead of the token being marked spent again.
 * Grace is 1 s (the defaults).
 */
class AbsurdAnswersTokenPoolTest {

    private static final Duration MAX_RESET_WAIT = Duration.ofMinutes(10);

    private final PoolFixture f = new PoolFixture(
            TokenPoolSettings.DEFAULTS.withBounds(MAX_RESET_WAIT, 100), "tok-a");
    private final GitHubHeaders github = new GitHubHeaders();

    private RateLimitObservation github(int status, String... headers) {
        return github.parse(new UpstreamResponse(status, ResponseHeaders.of(headers)), f.clock.wallMillis());
    }

    @Test
    void aLimitOfZeroDoesNotSpendTheToken() {
        long resetIn60s = f.clock.wallMillis() / 1000 + 60;
        f.take().complete(200, github(200, "X-RateLimit-Limit", "0", "X-RateLimit-Remaining", "0",
                "X-RateLimit-Reset", Long.toString(resetIn60s)));

        assertThat(f.status("tok-a").state()).isEqualTo(TokenState.ACTIVE);
        f.take().returnUnused();
        f.advanceSeconds(91);
        f.take().returnUnused();
    }

    /** Even handed to the pool directly (no dialect in between), a zero limit is ignored. */
    @Test
    void aZeroLimitWindowGivenDirectlyIsIgnored() {
        f.take().complete(200, f.window(0, 0, 60));
        f.take().complete(200, new RateLimitObservation(null,
                List.of(new RateLimitWindow("core", 10, 50, f.clock.wallMillis() + 60_000)), false, false, -1));

        assertThat(f.status("tok-a").state()).isEqualTo(TokenState.ACTIVE);
        assertThat(f.status("tok-a").limit()).as("neither window was believed").isEqualTo(-1);
    }

    @Test
    void anUnreadableResetWithNothingLeftIsProbedAfterAMinuteNotAnHour() {
        f.take().complete(200, github(200, "X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "0",
                "X-RateLimit-Reset", "99999999999999"));
        assertThat(f.status("tok-a").state()).isEqualTo(TokenState.SPENT);

        f.advanceSeconds(61);

        assertThat(f.status("tok-a").state()).isEqualTo(TokenState.ACTIVE);
        TokenLease probe = f.take();
        assertThat(f.checkout(0)).as("one probe first").isCompletedExceptionally();
        probe.complete(200, github(200, "X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "4000",
                "X-RateLimit-Reset", Long.toString(f.clock.wallMillis() / 1000 + 600)));
        f.take().returnUnused();
        f.take().returnUnused();
    }

    /**
     * The upstream said 1 left but named no reset, then answered without headers: counted down to
     * nothing, the token is probed after a minute, not held until the reset guessed an hour away.
     */
    @Test
    void countingDownToNothingWithoutAResetIsProbedAfterAMinuteNotAnHour() {
        f.take().complete(200, new RateLimitObservation(null,
                List.of(new RateLimitWindow("core", -1, 1, -1)), false, false, -1));
        f.take().complete(200, new RateLimitObservation(null, List.of(), false, false, -1));
        assertThat(f.status("tok-a").state()).isEqualTo(TokenState.SPENT);

        f.advanceSeconds(62);

        assertThat(f.status("tok-a").state()).isEqualTo(TokenState.ACTIVE);
        f.take().returnUnused();
    }

    @Test
    void aHugeRetryAfterIsClampedToMaxResetWait() {
        // 3 years: readable, so the parser passes it on; the pool holds it to 10 minutes.
        f.take().complete(429, github(429, "Retry-After", "99999999"));
        assertThat(f.status("tok-a").state()).isEqualTo(TokenState.SPENT);
        assertThat(TokenPoolCheckoutTest.failure(f.checkout(0)).retryAfterNanos()).isEqualTo(MAX_RESET_WAIT.toNanos() + SECOND);

        f.advanceSeconds(MAX_RESET_WAIT.toSeconds() + 1);

        f.take().returnUnused();
    }

    @Test
    void aResetYearsAheadIsClampedAndRecovers() {
        long inThreeYears = f.clock.wallMillis() / 1000 + 3L * 365 * 86_400;
        f.take().complete(403, github(403, "X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "0",
                "X-RateLimit-Reset", Long.toString(inThreeYears)));
        assertThat(f.status("tok-a").state()).isEqualTo(TokenState.SPENT);

        f.advanceSeconds(MAX_RESET_WAIT.toSeconds() + 1);

        f.take().returnUnused();
    }

    @Test
    void absurdNumbersGivenDirectlyNeverOverflow() {
        f.take().complete(429, new RateLimitObservation(null,
                List.of(new RateLimitWindow("core", 10, 0, Long.MAX_VALUE)), true, false, Long.MAX_VALUE));

        f.advanceSeconds(MAX_RESET_WAIT.toSeconds() + 1);

        f.take().returnUnused();
    }

    /** A projected reset (no answer said when) that passes lets one request find out, not a burst. */
    @Test
    void anUnconfirmedProjectedResetLetsOneProbeGoFirst() {
        PoolFixture pool = new PoolFixture(TokenPoolSettings.DEFAULTS.withDefaultLimit(100, Duration.ofMinutes(1)),
                "tok-a");
        pool.take().complete(200, pool.window(100, 50, 30)); // reported: reset in 30 s
        pool.advanceSeconds(31);
        pool.take().complete(200, RateLimitObservation.EMPTY); // a new window, projected (no headers)
        pool.advanceSeconds(61);

        TokenLease probe = pool.take();
        assertThat(pool.checkout(0)).as("the probe's answer comes first").isCompletedExceptionally();
        probe.complete(200, RateLimitObservation.EMPTY);
        pool.take().returnUnused();
        pool.take().returnUnused();
    }
}

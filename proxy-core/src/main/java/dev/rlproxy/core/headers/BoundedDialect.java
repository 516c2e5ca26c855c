package dev.rlproxy.core.headers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One upstream's dialect with its answers held to sane bounds before the limiter and the token pool
 * see them: no reset further ahead than {@code maxResetWait}, no retry-after longer than it, and no
 * window that is not {@linkplain RateLimitWindow#isCredible() credible}. Upstreams have bad moments;
 * without this a single answer ({@code Retry-After: 999999999}) could stop a token for days.
 * The first time an answer is corrected a warning is logged; later ones are corrected quietly.
 */
public final class BoundedDialect implements HeaderDialect {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedDialect.class);

    private final HeaderDialect dialect;
    private final String upstream;
    private final long maxWaitMillis;
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * @param upstream     the upstream's configured name, for the warning
     * @param maxResetWait the furthest ahead a reset or retry-after is believed
     */
    public BoundedDialect(HeaderDialect dialect, String upstream, Duration maxResetWait) {
        if (dialect == null || upstream == null || maxResetWait == null || maxResetWait.isNegative() || maxResetWait.isZero()) {
            throw new IllegalArgumentException("a bounded dialect needs a dialect, an upstream name and a positive maxResetWait");
        }
        this.dialect = dialect;
        this.upstream = upstream;
        this.maxWaitMillis = maxResetWait.toMillis();
    }

    @Override
    public RateLimitObservation parse(UpstreamResponse response, long nowEpochMillis) {
        RateLimitObservation said = dialect.parse(response, nowEpochMillis);
        long latestReset = nowEpochMillis + maxWaitMillis;
        List<RateLimitWindow> windows = new ArrayList<>(said.windows().size());
        String correction = null;
        for (RateLimitWindow w : said.windows()) {
            if (!w.isCredible()) {
                correction = "window '" + w.name() + "' with limit " + w.limit() + " and remaining " + w.remaining()
                        + " ignored";
            } else if (w.resetAtEpochMillis() > latestReset) {
                correction = "reset " + (w.resetAtEpochMillis() - nowEpochMillis) + " ms ahead clamped";
                windows.add(new RateLimitWindow(w.name(), w.limit(), w.remaining(), latestReset));
            } else {
                windows.add(w);
            }
        }
        long retryAfter = said.retryAfterMillis();
        if (retryAfter > maxWaitMillis) {
            correction = "retry-after of " + retryAfter + " ms clamped";
            retryAfter = maxWaitMillis;
        }
        if (correction == null) {
            return said;
        }
        if (warned.compareAndSet(false, true)) {
            LOG.warn("upstream '{}' answered with rate-limit values beyond belief (status {}): {} (maxResetWait is {} ms); "
                    + "such answers are corrected from now on without another warning", upstream, response.status(),
                    correction, maxWaitMillis);
        }
        return new RateLimitObservation(said.bucket(), windows, said.throttled(), said.global(), retryAfter);
    }

    @Override
    public String toString() {
        return dialect.toString();
    }
}

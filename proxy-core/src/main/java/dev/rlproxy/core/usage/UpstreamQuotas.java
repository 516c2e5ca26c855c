package dev.rlproxy.core.usage;

import dev.rlproxy.core.config.QuotaConfig;
import dev.rlproxy.core.config.QuotaMetric;
import dev.rlproxy.core.config.QuotaScope;
import dev.rlproxy.core.store.UsageStore;
import dev.rlproxy.core.time.Clock;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The quotas of one upstream, over the {@link UsageMeter}'s counters. A counter is named by
 * upstream, scope (the upstream, or one token's fingerprint), metric and period
 * ({@code api|token=3f2a…|requests|2026-12}); several quotas on the same metric and period share it.
 *
 * <p><b>Admission</b> ({@link #admit}) counts the request first, then compares each quota's count
 * (the store's total when last asked, plus this replica's counts since) with its limit; a request
 * that does not fit is given back and refused with the period's end as {@code Retry-After}. When a
 * quota has at most {@code exactWithin} left, or a count was never read from the store (after a
 * start, at a new period), the meter flushes first and the comparison uses the store's fresh total:
 * every replica's requests are in it, and this one's is already added, so two replicas cannot both
 * take the last request. Bytes are counted as they are relayed ({@link #tap}).
 */
public final class UpstreamQuotas {

    /** Shared: a completed future cannot be changed by its holders (cancel is a no-op). */
    private static final CompletableFuture<QuotaReservation> NOTHING_TO_COUNT =
            CompletableFuture.completedFuture(QuotaReservation.NONE);

    private final String upstream;
    private final UsageMeter meter;
    private final Clock clock;
    private volatile List<QuotaConfig> quotas = List.of();

    UpstreamQuotas(String upstream, UsageMeter meter, Clock clock) {
        this.upstream = upstream;
        this.meter = meter;
        this.clock = clock;
    }

    /** An upstream without quotas, metered nowhere. */
    public static UpstreamQuotas none(String upstream) {
        UsageStore nowhere = deltas -> CompletableFuture.completedFuture(Map.of());
        return new UsageMeter(nowhere, Clock.system()).configure(upstream, List.of());
    }

    void update(List<QuotaConfig> quotas) {
        this.quotas = List.copyOf(quotas);
    }

    public String upstream() {
        return upstream;
    }

    public List<QuotaConfig> quotas() {
        return quotas;
    }

    /**
     * Counts one request with {@code egressBytes} of body (0 when unknown, as for a chunked body)
     * against every quota; completes with the reservation, or fails with {@link QuotaSpentException}.
     *
     * @param fingerprint the token the request goes with, or null (token quotas then do not apply)
     */
    public CompletableFuture<QuotaReservation> admit(String fingerprint, long egressBytes) {
        List<QuotaConfig> current = quotas;
        if (current.isEmpty()) {
            return NOTHING_TO_COUNT;
        }
        long now = clock.wallMillis();
        List<Check> checks = checks(current, fingerprint, now);
        List<UsageCounter> requestCounters = distinctCounters(checks, QuotaMetric.REQUESTS);
        requestCounters.forEach(c -> c.add(1));
        QuotaReservation reservation = new QuotaReservation(requestCounters);
        Check over = firstOver(checks, egressBytes, 0);
        if (over != null) {
            reservation.cancel();
            return CompletableFuture.failedFuture(spent(over, now));
        }
        if (!mustAskTheStore(checks)) {
            return CompletableFuture.completedFuture(reservation);
        }
        // A failed flush leaves what this replica knows: the last totals read plus its own counts.
        return meter.flush().handle((flushed, storeError) -> {
            Check overNow = firstOver(checks, egressBytes, 0);
            if (overNow != null) {
                reservation.cancel();
                throw new CompletionException(spent(overNow, now));
            }
            return reservation;
        });
    }

    /**
     * Whether a request would be refused by a quota now, as far as this replica knows, without
     * counting it or asking the store: how a route picks among its upstreams.
     */
    public boolean wouldRefuse(String fingerprint, long egressBytes) {
        List<QuotaConfig> current = quotas;
        if (current.isEmpty()) {
            return false;
        }
        List<Check> checks = checks(current, fingerprint, clock.wallMillis());
        if (checks.stream().anyMatch(c -> !c.counter().known())) {
            meter.flush(); // learn the totals, for the requests that follow this one
        }
        return firstOver(checks, egressBytes, 1) != null;
    }

    /** Where the bytes of {@code metric} of one exchange are counted. */
    public UsageTap tap(QuotaMetric metric, String fingerprint) {
        List<QuotaConfig> current = quotas;
        if (!measures(current, metric)) {
            return UsageTap.NONE;
        }
        return new UsageTap(distinctCounters(checks(current, fingerprint, clock.wallMillis()), metric));
    }

    /** A plain loop: this runs twice per request, where a stream would allocate. */
    private static boolean measures(List<QuotaConfig> quotas, QuotaMetric metric) {
        for (int i = 0; i < quotas.size(); i++) {
            if (quotas.get(i).metric() == metric) {
                return true;
            }
        }
        return false;
    }

    /** Each quota's standing in the current period. */
    public List<QuotaUsage> usage() {
        long now = clock.wallMillis();
        List<QuotaUsage> usage = new ArrayList<>();
        for (QuotaConfig q : quotas) {
            String periodKey = UsagePeriods.key(q.period(), now);
            String prefix = upstream + "|";
            String suffix = "|" + metricName(q.metric()) + "|" + periodKey;
            long used = 0;
            Map<String, Long> byToken = new LinkedHashMap<>();
            for (UsageCounter c : meter.counters()) {
                String key = c.key();
                if (!key.startsWith(prefix) || !key.endsWith(suffix)) {
                    continue;
                }
                String scope = key.substring(prefix.length(), key.length() - suffix.length());
                if (q.scope() == QuotaScope.UPSTREAM && scope.isEmpty()) {
                    used = c.used();
                } else if (q.scope() == QuotaScope.TOKEN && scope.startsWith(TOKEN_SCOPE)) {
                    byToken.put(scope.substring(TOKEN_SCOPE.length()), c.used());
                    used = Math.max(used, c.used());
                }
            }
            usage.add(new QuotaUsage(q, used, periodKey, UsagePeriods.endMillis(q.period(), now), byToken));
        }
        return usage;
    }

    private static final String TOKEN_SCOPE = "token=";

    private record Check(QuotaConfig quota, UsageCounter counter) {
    }

    private List<Check> checks(List<QuotaConfig> current, String fingerprint, long now) {
        List<Check> checks = new ArrayList<>(current.size());
        for (QuotaConfig q : current) {
            if (q.scope() == QuotaScope.TOKEN && fingerprint == null) {
                continue;
            }
            String scope = q.scope() == QuotaScope.TOKEN ? TOKEN_SCOPE + fingerprint : "";
            String key = upstream + "|" + scope + "|" + metricName(q.metric()) + "|" + UsagePeriods.key(q.period(), now);
            checks.add(new Check(q, meter.counter(key, UsagePeriods.endMillis(q.period(), now))));
        }
        return checks;
    }

    private static List<UsageCounter> distinctCounters(List<Check> checks, QuotaMetric metric) {
        List<UsageCounter> counters = new ArrayList<>();
        for (Check c : checks) {
            if (c.quota().metric() == metric && !counters.contains(c.counter())) {
                counters.add(c.counter());
            }
        }
        return counters;
    }

    /**
     * The first quota the request does not fit: a request quota whose count (with
     * {@code uncountedRequests} more) passes its limit; a byte quota already at its limit, or that
     * the request's known body would pass.
     */
    private static Check firstOver(List<Check> checks, long egressBytes, long uncountedRequests) {
        for (Check c : checks) {
            QuotaConfig q = c.quota();
            long used = c.counter().used();
            boolean over = switch (q.metric()) {
                case REQUESTS -> used + uncountedRequests > q.limit();
                case EGRESS_BYTES -> used >= q.limit() || used + egressBytes > q.limit();
                case INGRESS_BYTES -> used >= q.limit();
            };
            if (over) {
                return c;
            }
        }
        return null;
    }

    private static boolean mustAskTheStore(List<Check> checks) {
        for (Check c : checks) {
            if (!c.counter().known() || c.quota().limit() - c.counter().used() <= c.quota().exactWithin()) {
                return true;
            }
        }
        return false;
    }

    private QuotaSpentException spent(Check over, long now) {
        QuotaConfig q = over.quota();
        long end = UsagePeriods.endMillis(q.period(), now);
        String whose = q.scope() == QuotaScope.TOKEN ? "this token's share of upstream '" : "upstream '";
        String message = "quota '" + q.name() + "' of " + whose + upstream + "' is spent: " + q.limit() + " "
                + metricName(q.metric()) + " per " + q.period().name().toLowerCase(Locale.ROOT) + " ("
                + UsagePeriods.key(q.period(), now) + "); it starts again at " + Instant.ofEpochMilli(end);
        return new QuotaSpentException(q.name(), (end - now) * 1_000_000L, message);
    }

    static String metricName(QuotaMetric metric) {
        return metric.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

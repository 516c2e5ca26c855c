package dev.rlproxy.server.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.rlproxy.core.config.BucketConfig;
import dev.rlproxy.core.config.ProxyConfig;
import dev.rlproxy.core.config.QuotaConfig;
import dev.rlproxy.core.config.RouteConfig;
import dev.rlproxy.core.config.UpstreamConfig;
import dev.rlproxy.core.limit.InFlightSnapshot;
import dev.rlproxy.core.tokens.TokenStatus;
import dev.rlproxy.core.usage.QuotaUsage;
import dev.rlproxy.server.ProxyApplication;
import dev.rlproxy.server.metrics.UpstreamTotals;
import dev.rlproxy.server.proxy.Upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code /status}: routes, upstreams with their counters, configured buckets and tokens (by
 * fingerprint only, never the token), as JSON. The dashboard polls it.
 */
final class StatusJson {

    private static final JsonFactory JSON = new JsonFactory();
    /** The most keys of one in-flight cap listed; the counts cover every key. */
    static final int BUSIEST_KEYS_SHOWN = 50;

    private StatusJson() {
    }

    static byte[] of(ProxyApplication app, Readiness readiness) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            write(json, app, readiness);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator json, ProxyApplication app, Readiness readiness) throws IOException {
        ProxyConfig config = app.config();
        long nowMillis = System.currentTimeMillis();
        List<String> notReady = readiness.problems();
        json.writeStartObject();
        json.writeNumberField("time", nowMillis);
        json.writeBooleanField("ready", notReady.isEmpty());
        json.writeBooleanField("shuttingDown", app.shuttingDown());
        json.writeNumberField("queueDepth", app.limiter().queueDepth());
        json.writeNumberField("waitingRequests", app.waitingRequests());
        json.writeArrayFieldStart("routes");
        for (RouteConfig route : config.routes()) {
            json.writeStartObject();
            json.writeStringField("match", route.match().pathPrefix() != null
                    ? route.match().pathPrefix() : route.match().host());
            json.writeStringField("matchBy", route.match().pathPrefix() != null ? "pathPrefix" : "host");
            json.writeStringField("upstream", route.upstream());
            json.writeArrayFieldStart("upstreams"); // in order of preference: the first within its quotas serves
            for (String upstream : route.upstreams()) {
                json.writeString(upstream);
            }
            json.writeEndArray();
            json.writeStringField("tokens", route.tokens().name().toLowerCase(Locale.ROOT));
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("upstreams");
        for (Upstream upstream : app.upstreams().values()) {
            writeUpstream(json, upstream, config.upstreams().get(upstream.name()),
                    app.telemetry().totals(upstream.name()), nowMillis, app);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeUpstream(JsonGenerator json, Upstream upstream, UpstreamConfig config,
                                      UpstreamTotals totals, long nowMillis, ProxyApplication app) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", upstream.name());
        json.writeNumberField("requests", totals.requests());
        json.writeNumberField("upstreamThrottled", totals.throttled());
        json.writeNumberField("proxyAnswers", totals.proxyAnswers());
        json.writeNumberField("tokenRetries", totals.tokenRetries());
        json.writeNumberField("queueWaitMeanMs", round(totals.queueWaitMeanMs()));
        json.writeNumberField("queueWaitP99Ms", round(totals.queueWaitP99Ms()));
        json.writeNumberField("upstreamLatencyP99Ms", round(totals.upstreamP99Ms()));
        json.writeNumberField("windowMarginMs", app.telemetry().windowMargin(upstream.name()).toMillis());
        json.writeObjectFieldStart("grantToWrite");
        json.writeNumberField("writes", totals.grantToWrite().writes());
        json.writeNumberField("p99Ms", round(totals.grantToWrite().p99Ms()));
        json.writeNumberField("p999Ms", round(totals.grantToWrite().p999Ms()));
        json.writeNumberField("maxMs", round(totals.grantToWrite().maxMs()));
        json.writeEndObject();
        json.writeNumberField("waitingForToken", upstream.tokens() == null ? 0 : upstream.tokens().waitingCheckouts());
        json.writeArrayFieldStart("buckets");
        if (config != null) {
            for (BucketConfig bucket : config.buckets()) {
                json.writeStartObject();
                json.writeStringField("name", bucket.name());
                json.writeStringField("scope", bucket.scope().toString());
                if (bucket.capsInFlight()) {
                    String keyPrefix = Upstream.bucketKeyPrefix(upstream.name(), bucket.name());
                    writeInFlightCap(json, bucket, keyPrefix, app.limiter().inFlightSnapshot(keyPrefix, BUSIEST_KEYS_SHOWN));
                } else {
                    json.writeNumberField("limit", bucket.limit());
                    json.writeNumberField("perMillis", bucket.per().toMillis());
                }
                json.writeEndObject();
            }
        }
        json.writeEndArray();
        writeQuotas(json, upstream.quotas().usage());
        json.writeArrayFieldStart("tokens");
        if (upstream.tokens() != null) {
            for (TokenStatus token : upstream.tokens().status()) {
                json.writeStartObject();
                json.writeStringField("fingerprint", token.fingerprint());
                json.writeStringField("state", token.state().name().toLowerCase(Locale.ROOT));
                json.writeNumberField("limit", token.limit());
                json.writeNumberField("remaining", token.remaining());
                if (token.resetAt() != null) {
                    json.writeStringField("resetAt", token.resetAt().toString());
                    json.writeNumberField("resetInSeconds",
                            Math.max(0, (token.resetAt().toEpochMilli() - nowMillis + 999) / 1000));
                }
                json.writeNumberField("inFlight", token.inFlight());
                json.writeEndObject();
            }
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** Each quota's count in its current period as this replica knows it (a token quota: per fingerprint). */
    private static void writeQuotas(JsonGenerator json, List<QuotaUsage> quotas) throws IOException {
        json.writeArrayFieldStart("quotas");
        for (QuotaUsage usage : quotas) {
            QuotaConfig quota = usage.quota();
            json.writeStartObject();
            json.writeStringField("name", quota.name());
            json.writeStringField("metric", quota.metric().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            json.writeStringField("period", usage.periodKey());
            json.writeStringField("scope", quota.scope().name().toLowerCase(Locale.ROOT));
            json.writeNumberField("limit", quota.limit());
            json.writeNumberField("used", usage.used());
            json.writeStringField("resetsAt", Instant.ofEpochMilli(usage.resetsAtMillis()).toString());
            if (!usage.byToken().isEmpty()) {
                json.writeObjectFieldStart("byToken");
                for (var token : usage.byToken().entrySet()) {
                    json.writeNumberField(token.getKey(), token.getValue());
                }
                json.writeEndObject();
            }
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /**
     * An in-flight cap's load: its keys (one per token fingerprint, route or header value) can be
     * many, so only the busiest are listed. Token-scoped keys carry fingerprints, never tokens.
     */
    private static void writeInFlightCap(JsonGenerator json, BucketConfig bucket, String keyPrefix,
                                         InFlightSnapshot snapshot)
            throws IOException {
        json.writeNumberField("maxConcurrent", bucket.maxConcurrent());
        json.writeNumberField("inFlight", snapshot.inFlight());
        json.writeNumberField("keys", snapshot.keys());
        json.writeArrayFieldStart("busiestKeys");
        for (InFlightSnapshot.KeyInFlight key : snapshot.busiest()) {
            json.writeStartObject();
            json.writeStringField("scope", key.key().substring(keyPrefix.length())); // "" for scope upstream
            json.writeNumberField("inFlight", key.inFlight());
            json.writeNumberField("max", key.max());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static double round(double millis) {
        return Math.round(millis * 10) / 10.0;
    }
}

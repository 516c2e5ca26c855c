package dev.rlproxy.server.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.rlproxy.core.config.BucketConfig;
import dev.rlproxy.core.config.ProxyConfig;
import dev.rlproxy.core.config.QuotaConfig;
import dev.rlproxy.core.config.RouteConfig;
import dev.rlproxy.core.config.UpstreamConfig;
import dev.rlproxy.core.limit.BucketUsage;
import dev.rlproxy.core.limit.Busiest;
import dev.rlproxy.core.limit.InFlightSnapshot;
import dev.rlproxy.core.limit.LearnedUsage;
import dev.rlproxy.core.tokens.TokenStatus;
import dev.rlproxy.core.usage.QuotaUsage;
import dev.rlproxy.server.ProxyApplication;
import dev.rlproxy.server.metrics.UpstreamTotals;
import dev.rlproxy.server.proxy.Upstream;
import dev.rlproxy.server.store.StoreBackend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code /status}: routes, upstreams with their counters and queue depth, configured buckets with
 * their live use, what the upstream reported about its own buckets, and tokens (by fingerprint
 * only, never the token), as JSON. Bucket keys can be millions (one per header value), so each
 * bucket lists its busiest {@value #BUSIEST_KEYS_SHOWN} keys and counts the rest. The dashboard polls it.
 */
final class StatusJson {

    private static final JsonFactory JSON = new JsonFactory();
    /** The most keys of one bucket (or learned windows of one upstream) listed; the counts cover every key. */
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
        json.writeNumberField("queueDepth", app.limiter().queueDepth()); // tickets, every upstream
        json.writeNumberField("waitingRequests", app.waitingRequests());
        writeStore(json, app.store().status());
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

    /** The shared store: its address without a password, whether it answers, and what it cost so far. */
    private static void writeStore(JsonGenerator json, StoreBackend.Status store) throws IOException {
        json.writeObjectFieldStart("store");
        json.writeStringField("type", store.type());
        if (store.uri() != null) {
            json.writeStringField("uri", store.uri());
            json.writeBooleanField("available", store.available());
            json.writeBooleanField("failureModeActive", store.failureModeActive());
            json.writeStringField("onFailure", store.onFailure());
            json.writeNumberField("roundTrips", store.roundTrips());
            json.writeNumberField("failures", store.failures());
        }
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
        json.writeNumberField("queueDepth", app.queues().depth(upstream.name()));
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
                    String keyPrefix = Upstream.bucketKeyPrefix(upstream.name(), bucket.name());
                    writeRateBucket(json, keyPrefix, app.limiter().bucketUsage(keyPrefix, BUSIEST_KEYS_SHOWN));
                }
                json.writeEndObject();
            }
        }
        json.writeEndArray();
        String scopePrefix = Upstream.learnedScopePrefix(upstream.name());
        writeLearned(json, scopePrefix, app.limiter().learnedUsage(scopePrefix, BUSIEST_KEYS_SHOWN));
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

    /**
     * A rate bucket's keys, the busiest (most of their limit used in the current window) first.
     * The limit a key shows is the one in force for it, window margin included.
     */
    private static void writeRateBucket(JsonGenerator json, String keyPrefix, Busiest<BucketUsage> usage)
            throws IOException {
        json.writeNumberField("keys", usage.total());
        json.writeArrayFieldStart("busiestKeys");
        for (BucketUsage key : usage.top()) {
            json.writeStartObject();
            json.writeStringField("scope", key.key().substring(keyPrefix.length())); // "" for scope upstream
            json.writeNumberField("used", key.used());
            json.writeNumberField("limit", key.limit());
            json.writeNumberField("remaining", Math.max(0, key.limit() - key.used()));
            json.writeNumberField("nextFreeInMs", key.nextFreeInNanos() < 0 ? -1
                    : TimeUnit.NANOSECONDS.toMillis(key.nextFreeInNanos() + 999_999));
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /**
     * What the upstream reported about its own buckets, per token fingerprint: the windows with the
     * least left first.
     */
    private static void writeLearned(JsonGenerator json, String scopePrefix, Busiest<LearnedUsage> usage)
            throws IOException {
        json.writeObjectFieldStart("learned");
        json.writeNumberField("buckets", usage.total());
        json.writeArrayFieldStart("lowestWindows");
        for (LearnedUsage window : usage.top()) {
            json.writeStartObject();
            json.writeStringField("token", window.scope().substring(scopePrefix.length()));
            json.writeStringField("bucket", window.bucket());
            json.writeStringField("window", window.window());
            json.writeNumberField("limit", window.limit());
            json.writeNumberField("remaining", window.remaining());
            json.writeNumberField("resetInMs", window.resetInNanos() < 0 ? -1
                    : TimeUnit.NANOSECONDS.toMillis(window.resetInNanos() + 999_999));
            json.writeNumberField("inFlight", window.inFlight());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static double round(double millis) {
        return Math.round(millis * 10) / 10.0;
    }
}

package dev.rlproxy.server.simulator;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.util.Map;
import java.util.Optional;

/**
 * The whole simulated API: WireMock routes every request to one catch-all stub, and this transformer
 * replaces its answer with 401, a refusal over a limit (a violation), a 200 JSON echo (GitHub: with an
 * ETag; a GET with that ETag in If-None-Match gets an uncounted 304), or a GitHub-style list page or
 * redirect ({@link ListPages}). The decision
 * is taken when the request arrives; the configured latency is added afterwards.
 */
final class RateLimitingTransformer implements ResponseDefinitionTransformerV2 {

    private final SimulatorSpec spec;
    private final TokenAccess access;
    private final CallerLimiter limiter;
    private final SimulatorCounters counters;
    private final DialectResponses dialect;
    private final String padding;
    /** This upstream's own URL, for the absolute URLs GitHub-style answers carry; set once it listens. */
    private volatile String baseUrl = "";

    RateLimitingTransformer(SimulatorSpec spec, TokenAccess access, CallerLimiter limiter, SimulatorCounters counters) {
        this.spec = spec;
        this.access = access;
        this.limiter = limiter;
        this.counters = counters;
        this.dialect = DialectResponses.of(spec.dialect());
        this.padding = "x".repeat(spec.bodyPaddingBytes());
    }

    void serveAt(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    @Override
    public String getName() {
        return "rlproxy-rate-limiting-upstream";
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        LoggedRequest request = serveEvent.getRequest();
        String method = request.getMethod().getName();
        String path = pathOf(request.getUrl());
        Optional<String> token = TokenAccess.tokenIn(request.getHeader(spec.tokenHeader()));
        String caller = token.orElse(SimulatorSpec.ANONYMOUS);
        long sequence = counters.seen(caller, path);
        boolean notModified = spec.dialect() == SimulatedDialect.GITHUB && method.equals("GET")
                && etag(path).equals(request.getHeader("If-None-Match"));
        return toDefinition(answer(token, caller, method, path, queryOf(request.getUrl()), sequence, notModified));
    }

    private SimulatedResponse answer(Optional<String> token, String caller, String method, String path, String query,
                                     long sequence, boolean notModified) {
        if (!access.admits(token)) {
            String message = token.isPresent() ? "Bad credentials" : "Requires authentication";
            return SimulatedResponse.json(401, Map.of(), JsonText.message(message));
        }
        // GitHub does not count a conditional request answered 304 against the limit.
        Admission admission = limiter.admit(caller, method, path, !notModified);
        if (!admission.accepted()) {
            counters.violation(caller);
            return dialect.refusal(admission);
        }
        if (notModified) {
            return new SimulatedResponse(304, dialect.headers(admission), "");
        }
        counters.accepted(caller);
        if (ListPages.handles(method, path, query)) {
            return ListPages.answer(baseUrl, path, query, dialect.headers(admission));
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>(dialect.headers(admission));
        if (spec.dialect() == SimulatedDialect.GITHUB && method.equals("GET")) {
            headers.put("ETag", etag(path)); // the resource never changes: If-None-Match with it gets 304
        }
        return SimulatedResponse.json(200, headers, echo(method, path, sequence));
    }

    private String echo(String method, String path, long sequence) {
        StringBuilder body = new StringBuilder(64 + padding.length())
                .append("{\"ok\":true,\"method\":").append(JsonText.quote(method))
                .append(",\"path\":").append(JsonText.quote(path))
                .append(",\"n\":").append(sequence);
        if (!padding.isEmpty()) {
            body.append(",\"pad\":\"").append(padding).append('"');
        }
        return body.append('}').toString();
    }

    private ResponseDefinition toDefinition(SimulatedResponse response) {
        ResponseDefinitionBuilder builder = ResponseDefinitionBuilder.responseDefinition()
                .withStatus(response.status())
                .withBody(response.body());
        response.headers().forEach(builder::withHeader);
        long latencyMillis = spec.latency().toMillis();
        if (latencyMillis > 0) {
            builder.withFixedDelay((int) latencyMillis);
        }
        return builder.build();
    }

    private static String etag(String path) {
        return "\"" + Integer.toHexString(path.hashCode()) + "\"";
    }

    private static String queryOf(String url) {
        int query = url.indexOf('?');
        return query < 0 ? null : url.substring(query + 1);
    }

    private static String pathOf(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}

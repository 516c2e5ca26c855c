package dev.rlproxy.server.simulator;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import java.util.Map;
import java.util.Objects;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;

/**
 * A running simulated upstream on {@code 127.0.0.1} and a free port, enforcing the limits of its
 * {@link SimulatorSpec}. Every path answers (200 JSON echo, 401, or a refusal in the spec's dialect);
 * a GET with a {@code per_page} parameter answers a GitHub-style list page (Link header
 * of absolute URLs), a GET under {@code /moved/} a 301 with an absolute Location, and (GitHub) a GET
 * with the ETag of an earlier answer in {@code If-None-Match} a 304 that does not count.
 *
 * <pre>{@code
 * try (UpstreamSimulator sim = UpstreamSimulator.start(SimulatorSpec.github(30, Duration.ofSeconds(10)))) {
 *     // point a client or the proxy at sim.baseUrl(), then assert sim.violations() == 0
 * }
 * }</pre>
 *
 * Thread-safe. Per-token maps are keyed by the token string itself (the caller {@code "anonymous"}
 * for requests without one): they are meant for tests, never for logs.
 */
public final class UpstreamSimulator implements AutoCloseable {

    private static final String LOOPBACK = "127.0.0.1";

    private final SimulatorSpec spec;
    private final WireMockServer server;
    private final TokenAccess access;
    private final CallerLimiter limiter;
    private final SimulatorCounters counters;
    private final String host;
    private final int port;

    private UpstreamSimulator(SimulatorSpec spec, String bindAddress, int port) {
        this.spec = Objects.requireNonNull(spec, "spec must not be null");
        this.access = new TokenAccess(spec.validTokens());
        this.limiter = new CallerLimiter(spec);
        this.counters = new SimulatorCounters();
        RateLimitingTransformer transformer = new RateLimitingTransformer(spec, access, limiter, counters);
        WireMockConfiguration options = WireMockConfiguration.options()
                .bindAddress(bindAddress)
                .port(port)
                .containerThreads(spec.containerThreads())
                .jettyAcceptors(1) // one accepting thread is plenty on loopback, and quiet on small machines
                // Latency is served from a timer pool, so slow answers do not pin Jetty threads.
                .asynchronousResponseEnabled(true)
                .asynchronousResponseThreads(Math.max(2, spec.containerThreads() / 4))
                .notifier(new ErrorsOnlyNotifier())
                .stubRequestLoggingDisabled(true)
                .extensionScanningEnabled(false)
                .extensions(transformer);
        if (!spec.keepRequestJournal()) {
            options.disableRequestJournal();
        }
        this.server = new WireMockServer(options);
        server.start();
        this.port = server.port();
        // Links in its answers must name an address clients can reach, which a wildcard is not.
        this.host = bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? LOOPBACK : bindAddress;
        transformer.serveAt(baseUrl());
        server.stubFor(any(anyUrl()).willReturn(ok()));
    }

    /** Starts a simulator on a free port; close it when done. */
    public static UpstreamSimulator start(SimulatorSpec spec) {
        return start(spec, 0);
    }

    /** Starts a simulator on 127.0.0.1:{@code port} (0 picks a free one); close it when done. */
    public static UpstreamSimulator start(SimulatorSpec spec, int port) {
        return start(spec, LOOPBACK, port);
    }

    /**
     * Starts a simulator on {@code bindAddress}:{@code port} ({@code 0.0.0.0} for every interface,
     * e.g. in a container); close it when done.
     */
    public static UpstreamSimulator start(SimulatorSpec spec, String bindAddress, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        return new UpstreamSimulator(spec, bindAddress, port);
    }

    /** {@code http://HOST:PORT}, no trailing slash; HOST is 127.0.0.1 when bound to every interface. */
    public String baseUrl() {
        return "http://" + host + ":" + port();
    }

    public int port() {
        return port;
    }

    public SimulatorSpec spec() {
        return spec;
    }

    /** Refusals caused by an exceeded limit, in total. */
    public long violations() {
        return counters.violations();
    }

    public Map<String, Long> violationsByToken() {
        return counters.violationsByCaller();
    }

    /** Requests that got a 2xx, per token. */
    public Map<String, Long> acceptedByToken() {
        return counters.acceptedByCaller();
    }

    /** Every request that arrived (including 401s and refusals), per token. */
    public Map<String, Long> requestsByToken() {
        return counters.seenByCaller();
    }

    /** Every request that arrived, per URL path (query string excluded). */
    public Map<String, Long> requestsByPath() {
        return counters.seenByPath();
    }

    public long requestsSeen() {
        return counters.seen();
    }

    /** Requests that got a 2xx. */
    public long accepted() {
        return counters.accepted();
    }

    /** From now on {@code token} answers 401 Bad credentials; survives {@link #reset()}. */
    public void revoke(String token) {
        access.revoke(token);
    }

    /**
     * Forgets all counters and rate-limit state (and the request journal, when kept). Meant for
     * between runs: requests in flight while it runs may be counted either side.
     */
    public void reset() {
        limiter.clear();
        counters.clear();
        if (spec.keepRequestJournal()) {
            server.resetRequests();
        }
    }

    /** The underlying server, for request-journal assertions (see {@link SimulatorSpec#keepRequestJournal()}). */
    public WireMockServer wireMock() {
        return server;
    }

    @Override
    public void close() {
        server.stop();
    }

    @Override
    public String toString() {
        return "UpstreamSimulator[" + baseUrl() + ", " + spec.dialect() + "]";
    }
}

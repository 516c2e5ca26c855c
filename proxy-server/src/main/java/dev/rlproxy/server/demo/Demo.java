package dev.rlproxy.server.demo;

import dev.rlproxy.core.config.ConfigLoader;
import dev.rlproxy.core.config.ProxyConfig;
import dev.rlproxy.server.ProxyApplication;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one-command demo: an in-process GitHub-style upstream (2 tokens × 30 requests per 10 s),
 * the proxy in front of it on the in-memory store, and the same client load sent twice — straight
 * at the upstream, then through the proxy — with a live progress line and a side-by-side summary.
 */
public final class Demo {

    static final List<String> TOKENS = List.of("demo-token-alpha", "demo-token-bravo");
    static final int LIMIT_PER_TOKEN = 30;
    static final Duration WINDOW = Duration.ofSeconds(10);

    private final PrintStream out;
    private final int requests;
    private final int concurrency;

    public Demo(PrintStream out, int requests, int concurrency) {
        this.out = out;
        this.requests = requests;
        this.concurrency = concurrency;
    }

    /** Runs both phases and prints the summary; returns the through-proxy upstream violations (0 is the point). */
    public DemoResult run() throws Exception {
        out.printf("Simulated GitHub-style upstream: %d tokens x %d requests per %d s. Load: %d requests, %d at once.%n%n",
                TOKENS.size(), LIMIT_PER_TOKEN, WINDOW.toSeconds(), requests, concurrency);
        try (UpstreamSimulator direct = UpstreamSimulator.start(spec());
             UpstreamSimulator proxied = UpstreamSimulator.start(spec())) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();

            out.println("1) Straight at the upstream (clients share the tokens round-robin, no proxy):");
            DemoLoad straight = new DemoLoad(client, requests, concurrency);
            String directBase = direct.baseUrl();
            runWithProgress(straight, direct, null, () -> straight.run(i ->
                    DemoLoad.get(directBase + "/repos/acme/widgets/issues/" + i,
                            "Bearer " + TOKENS.get(i % TOKENS.size()))).join());

            out.println("2) Through the proxy (clients send no token; the proxy picks one and waits for quota):");
            ProxyConfig config = demoConfig(proxied.port());
            try (ProxyApplication proxy = ProxyApplication.start(config)) {
                DemoLoad viaProxy = new DemoLoad(client, requests, concurrency);
                String proxyBase = "http://127.0.0.1:" + proxy.port() + "/github";
                runWithProgress(viaProxy, proxied, proxy, () -> viaProxy.run(i ->
                        DemoLoad.get(proxyBase + "/repos/acme/widgets/issues/" + i, null)).join());

                DemoResult result = new DemoResult(straight, direct.violations(), viaProxy, proxied.violations());
                result.print(out);
                return result;
            }
        }
    }

    private void runWithProgress(DemoLoad load, UpstreamSimulator upstream, ProxyApplication proxy, Runnable body) {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-progress");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> out.print(progressLine(load, upstream, proxy, start) + "\r"),
                0, 250, TimeUnit.MILLISECONDS);
        try {
            body.run();
        } finally {
            ticker.shutdownNow();
            out.println(progressLine(load, upstream, proxy, start));
            out.println();
        }
    }

    private static String progressLine(DemoLoad load, UpstreamSimulator upstream, ProxyApplication proxy, long start) {
        long queued = proxy == null ? 0 : proxy.waitingRequests();
        return String.format("   %5.1fs  sent %4d  queued %4d  completed %4d  ok %4d  upstream 429/403s %4d",
                (System.nanoTime() - start) / 1e9, load.sent.get(), queued, load.completed.get(), load.ok.get(),
                upstream.violations());
    }

    static SimulatorSpec spec() {
        return SimulatorSpec.github(LIMIT_PER_TOKEN, WINDOW).withValidTokens(java.util.Set.copyOf(TOKENS));
    }

    static ProxyConfig demoConfig(int upstreamPort) throws IOException {
        Path file = Files.createTempFile("rlproxy-demo", ".yaml");
        try {
            Files.writeString(file, """
                    server:
                      listen: "127.0.0.1:0"
                    queue:
                      maxWait: 30s
                    upstreams:
                      github:
                        url: "http://127.0.0.1:%d"
                        dialect: github
                        tokens:
                          static: ["${DEMO_TOKEN_1}", "${DEMO_TOKEN_2}"]
                    routes:
                      - match: { pathPrefix: "/github/" }
                        upstream: github
                    """.formatted(upstreamPort));
            return ConfigLoader.load(file, Map.of("DEMO_TOKEN_1", TOKENS.get(0), "DEMO_TOKEN_2", TOKENS.get(1)));
        } finally {
            Files.deleteIfExists(file);
        }
    }
}

package dev.rlproxy.server.it;

import dev.rlproxy.core.config.AdminConfig;
import dev.rlproxy.core.config.HostPort;
import dev.rlproxy.core.tokens.Fingerprint;
import dev.rlproxy.server.admin.AdminServer;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium against a running proxy under load: the figures render
 * and move between two page loads, throttled shows 0 in green, each token has a bar. A screenshot is
 * kept at {@code proxy-server/target/dashboard.png}. Skipped where Chromium is not installed
 * ({@code apt-get install -y chromium}).
 */
class DashboardBrowserIntegrationTest {

    private static final String T1 = "dashboard-token-one";
    private static final String T2 = "dashboard-token-two";

    @Test
    void dashboardRendersLiveFiguresInHeadlessChromium(@TempDir Path profile) throws Exception {
        Optional<String> chromium = findChromium();
        Assumptions.assumeTrue(chromium.isPresent(),
                "headless Chromium not found (chromium, chromium-browser or google-chrome on PATH): "
                        + "install it with apt-get install -y chromium to run the dashboard browser test");
        AtomicBoolean loading = new AtomicBoolean(true);
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(5000, Duration.ofHours(1))
                .withValidTokens(Set.of(T1, T2)));
             RunningProxy proxy = RunningProxy.start("""
                     server: { listen: "127.0.0.1:0" }
                     upstreams:
                       gh:
                         url: "%s"
                         dialect: github
                         tokens: { static: ["${T1}", "${T2}"] }
                     routes:
                       - match: { pathPrefix: "/gh/" }
                         upstream: gh
                     """.formatted(upstream.baseUrl()), Map.of("T1", T1, "T2", T2));
             AdminServer admin = AdminServer.start(new AdminConfig(new HostPort("127.0.0.1", 0), ""), proxy.app, null)) {
            Thread load = new Thread(() -> {
                while (loading.get()) {
                    proxy.get("/gh/repos/o/r");
                }
            }, "dashboard-load");
            load.start();
            try {
                String url = "http://127.0.0.1:" + admin.port() + "/dashboard";
                String first = chromium(chromium.get(), profile, "--dump-dom", url);
                long before = figure(first, "requests");
                String second = chromium(chromium.get(), profile, "--dump-dom", url);
                long after = figure(second, "requests");
                System.out.printf("dashboard: requests shown %d, then %d%n", before, after);
                assertThat(after).as("request count moves under load").isGreaterThan(before);
                assertThat(before).isPositive();
                assertThat(figure(second, "queue-depth")).as("the upstream's own queue depth").isNotNegative();
                assertThat(second).containsPattern("class=\"value throttled ok\">0<")
                        .contains("data-token=\"" + Fingerprint.of(T1) + "\"", "data-token=\"" + Fingerprint.of(T2) + "\"")
                        .containsPattern("/ 5000 · reset in \\d+ s")
                        .doesNotContain(T1, T2);

                Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
                Files.deleteIfExists(screenshot);
                chromium(chromium.get(), profile, "--screenshot=" + screenshot, "--window-size=1280,900", url);
                assertThat(screenshot).exists();
                assertThat(Files.size(screenshot)).isGreaterThan(1000);
            } finally {
                loading.set(false);
                load.join(10_000);
            }
        }
    }

    /** Loads the page, lets its script poll for a few seconds of virtual time, then dumps or shoots it. */
    private static String chromium(String binary, Path profile, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=3000"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("chromium", ".out");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(out);
        }
    }

    private static long figure(String dom, String name) {
        Matcher m = Pattern.compile("class=\"value " + name + "[^\"]*\">(\\d+)<").matcher(dom);
        assertThat(m.find()).as("figure %s in the page:%n%s", name, dom).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static Optional<String> findChromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                File candidate = new File(dir, name);
                if (candidate.canExecute()) {
                    return Optional.of(candidate.getPath());
                }
            }
        }
        return Optional.empty();
    }
}

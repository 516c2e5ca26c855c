package dev.rlproxy.server.it;

import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * URLs the upstream hands out in {@code Link} and {@code Location} lead back through the proxy, so a
 * client that follows them keeps getting the pooled token and the limiter: every page, every
 * redirect, with the token, zero requests around the proxy.
 */
class UrlRewritingIntegrationTest {

    private static final String TOKEN = "it-url-pool-token";
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

    private UpstreamSimulator upstream;
    private RunningProxy proxy;

    private void start(String serverSection) {
        start(serverSection, "");
    }

    private void start(String serverSection, String upstreamKeys) {
        upstream = UpstreamSimulator.start(SimulatorSpec.github(1000, Duration.ofMinutes(1))
                .withValidTokens(Set.of(TOKEN)).withRequestJournal(true));
        proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" %s }
                upstreams:
                  gh:
                    url: "%s"
                    dialect: github
                    tokens: { static: ["${TOKEN}"] }
                    %s
                routes:
                  - match: { pathPrefix: "/github/" }
                    upstream: gh
                  - match: { host: "api.github.test" }
                    upstream: gh
                """.formatted(serverSection, upstream.baseUrl(), upstreamKeys), Map.of("TOKEN", TOKEN));
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.close();
    }

    @Test
    void followingEveryNextLinkStaysOnTheProxy() {
        start("");
        List<String> visited = new ArrayList<>();
        String url = proxy.url("/github/repos/acme/widgets/issues?per_page=40");
        while (url != null) {
            visited.add(url);
            HttpResponse<String> page = proxy.send(HttpRequest.newBuilder(URI.create(url)).GET().build());
            assertThat(page.statusCode()).isEqualTo(200);
            Matcher next = NEXT.matcher(page.headers().firstValue("Link").orElse(""));
            url = next.find() ? next.group(1) : null;
        }
        String base = proxy.url("/github/repos/acme/widgets/issues?per_page=40&page=");
        assertThat(visited).containsExactly(proxy.url("/github/repos/acme/widgets/issues?per_page=40"),
                base + 2, base + 3);
        assertThat(upstream.requestsByToken()).containsOnlyKeys(TOKEN).containsEntry(TOKEN, 3L);
        assertThat(upstream.violations()).isZero();
    }

    @Test
    void redirectsPointThroughTheProxy() {
        start("");
        HttpResponse<String> moved = proxy.get("/github/moved/repos/acme/widgets?x=1");
        assertThat(moved.statusCode()).isEqualTo(301);
        assertThat(moved.headers().firstValue("Location")).contains(proxy.url("/github/repos/acme/widgets?x=1"));
        assertThat(upstream.requestsByToken()).containsOnlyKeys(TOKEN);
    }

    @Test
    void aPublicUrlReplacesTheHostTheProxyWasReachedBy() {
        start(", publicUrl: \"https://rl.example.com/edge/\"");
        HttpResponse<String> page = proxy.get("/github/repos/a/b/issues?per_page=30&page=2");
        assertThat(page.headers().firstValue("Link").orElseThrow())
                .contains("<https://rl.example.com/edge/github/repos/a/b/issues?per_page=30&page=3>; rel=\"next\"")
                .doesNotContain(upstream.baseUrl());
    }

    @Test
    void hostRoutedRequestsKeepTheirHost() throws Exception {
        start("");
        String answer;
        try (Socket socket = new Socket("127.0.0.1", proxy.app.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /repos/a/b/issues?per_page=30 HTTP/1.1\r\nHost: api.github.test\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        assertThat(answer).startsWith("HTTP/1.1 200")
                .contains("<http://api.github.test/repos/a/b/issues?per_page=30&page=2>; rel=\"next\"");
    }

    @Test
    void bodyUrlsAreLeftAloneByDefault() {
        start("");
        HttpResponse<String> page = proxy.get("/github/repos/a/b/issues?per_page=2");
        assertThat(page.body()).contains("\"url\":\"" + upstream.baseUrl() + "/repos/a/b/issues/1\"");
    }

    @Test
    void withRewriteBodyUrlsJsonBodiesPointThroughTheProxyToo() {
        start("", "rewriteBodyUrls: true");
        HttpResponse<String> page = proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/github/repos/a/b/issues?per_page=2")))
                .header("Accept-Encoding", "gzip").build());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("[{\"id\":1,\"url\":\"%1$s/1\",\"comments_url\":\"%1$s/1/comments\"},"
                .formatted(proxy.url("/github/repos/a/b/issues"))
                + "{\"id\":2,\"url\":\"%1$s/2\",\"comments_url\":\"%1$s/2/comments\"}]"
                .formatted(proxy.url("/github/repos/a/b/issues")));
        assertThat(page.headers().firstValue("Content-Length")).as("re-framed as chunks").isEmpty();
        assertThat(page.headers().firstValue("Content-Encoding")).isEmpty();
        // Asked for identity, so the body comes uncompressed and can be rewritten as it streams.
        assertThat(upstream.wireMock().getAllServeEvents().get(0).getRequest().containsHeader("Accept-Encoding")).isFalse();
        // Following a URL from the body stays on the proxy, with the pooled token.
        String itemUrl = page.body().substring(page.body().indexOf("\"url\":\"") + 7, page.body().indexOf("/1\"") + 2);
        assertThat(proxy.send(HttpRequest.newBuilder(URI.create(itemUrl)).GET().build()).statusCode()).isEqualTo(200);
        assertThat(upstream.requestsByToken()).containsOnlyKeys(TOKEN).containsEntry(TOKEN, 2L);
    }
}

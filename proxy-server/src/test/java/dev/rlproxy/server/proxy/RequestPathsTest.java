package dev.rlproxy.server.proxy;

import dev.rlproxy.server.upstream.UpstreamTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestPathsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/github/repos/a                  | /github/repos/a",
            "/github/../../etc/passwd         | /etc/passwd",
            "/github/%2e%2e/x                 | /x",
            "/github/%2E%2E/%2e%2E/admin      | /admin",
            "/github/.%2e/x?q=/../y           | /x?q=/../y",
            "/github/repos/./a/../b/          | /github/repos/b/",
            "/github/repos/..                 | /github/",
            "/github/.                        | /github/",
            "/..                              | /",
            "/github/group%2Fproject/issues   | /github/group%2Fproject/issues",
            "/github/a//b                     | /github/a//b",
            "/github/...                      | /github/...",
            "/github/%252e%252e/x             | /github/%252e%252e/x",
    })
    void resolvesDotSegments(String in, String out) throws Exception {
        assertThat(RequestPaths.normalise(in)).isEqualTo(out);
    }

    @ParameterizedTest
    @CsvSource({"/github/..%2f..%2fadmin", "/github/%2e%2e%2Fadmin", "/github/..%5Cadmin", "/github/..\\admin",
            "/github/..;x/admin", "/github/.;/admin", "/github/a%2f..%2f..%2fb", "/x#frag"})
    void refusesDisguisedDotSegments(String in) {
        assertThatThrownBy(() -> RequestPaths.normalise(in)).isInstanceOf(RequestPaths.RejectedPath.class);
    }

    @Test
    void unremarkablePathIsReturnedAsIs() throws Exception {
        String uri = "/github/repos/a/b?per_page=5";
        assertThat(RequestPaths.normalise(uri)).isSameAs(uri);
    }

    @Test
    void bareAndTraversingPathsReachTheUpstreamInsideItsBasePath() throws Exception {
        UpstreamTarget target = UpstreamTarget.of("github", URI.create("https://host/api/v3"));
        Route github = new Route("/github/", null, null, false);
        assertThat(target.requestUri(github.upstreamPath(RequestPaths.normalise("/github")))).isEqualTo("/api/v3/");
        assertThat(target.requestUri(github.upstreamPath(RequestPaths.normalise("/github?q=1"))))
                .isEqualTo("/api/v3/?q=1");
        assertThat(new Router(List.of(github)).match(null, RequestPaths.normalise("/github/../../admin"))).isNull();
        assertThat(target.requestUri(github.upstreamPath(RequestPaths.normalise("/github/a/../../github/x"))))
                .isEqualTo("/api/v3/x");
    }

    // ---- property: no forwarded path ever leaves the upstream's base path ----------------------

    private static final String[] SEGMENTS = {"a", "repos", "github", "", ".", "..", "%2e", "%2E", "%2e%2e",
            ".%2e", "%2E.", "..;x", ".;", "%2f", "a%2Fb", "..%2f", "%2e%2e%2F", "\\", "..\\", "%5c..", "...",
            "%252e%252e", "a;b", "?", "x?y=..", "%2F..%2F"};
    private static final String[] BASES = {"", "/api/v3", "/a", "/a/b/c"};

    static LongStream seeds() {
        return LongStream.range(0, 500);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void noForwardedPathLeavesTheBasePath(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder uri = new StringBuilder(random.nextBoolean() ? "/github" : "");
        int segments = random.nextInt(0, 8);
        for (int i = 0; i < segments; i++) {
            uri.append('/').append(SEGMENTS[random.nextInt(SEGMENTS.length)]);
        }
        if (uri.isEmpty()) {
            uri.append('/');
        }
        String base = BASES[random.nextInt(BASES.length)];
        UpstreamTarget target = UpstreamTarget.of("api", URI.create("https://host" + base));
        Route route = new Route("/github/", null, null, false);

        String normalised;
        try {
            normalised = RequestPaths.normalise(uri.toString());
        } catch (RequestPaths.RejectedPath refused) {
            return; // refused with 400: nothing forwarded
        }
        if (new Router(List.of(route)).match(null, normalised) == null) {
            return; // 404: nothing forwarded
        }
        String forwarded = target.requestUri(route.upstreamPath(normalised));
        String resolved = resolveLikeTheMostGullibleServer(forwarded);
        assertThat(resolved).as("seed %d: %s forwarded as %s", seed, uri, forwarded)
                .satisfiesAnyOf(r -> assertThat(r).startsWith(base + "/"), r -> assertThat(r).isEqualTo(base));
    }

    /** Decodes dots and every kind of slash, drops segment parameters, then resolves dot segments. */
    private static String resolveLikeTheMostGullibleServer(String uri) {
        int q = uri.indexOf('?');
        String path = (q >= 0 ? uri.substring(0, q) : uri).toLowerCase(Locale.ROOT)
                .replace("%2e", ".").replace("%2f", "/").replace("%5c", "/").replace('\\', '/');
        Deque<String> out = new ArrayDeque<>();
        for (String segment : path.substring(1).split("/", -1)) {
            int parameters = segment.indexOf(';');
            String name = parameters >= 0 ? segment.substring(0, parameters) : segment;
            if (name.equals("..")) {
                out.pollLast();
            } else if (!name.equals(".")) {
                out.addLast(segment);
            }
        }
        return "/" + String.join("/", out);
    }
}

package dev.rlproxy.server.proxy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RouterTest {

    private final Route github = new Route("/github/", null, null, false);
    private final Route githubByHost = new Route(null, "api.github.com", null, false);
    private final Router router = new Router(List.of(github, githubByHost));

    @Test
    void matchesPathPrefixAndStripsIt() {
        assertThat(router.match("proxy:8080", "/github/repos/a/b?x=1")).isSameAs(github);
        assertThat(github.upstreamPath("/github/repos/a/b?x=1")).isEqualTo("/repos/a/b?x=1");
        assertThat(router.match("proxy", "/github")).isSameAs(github);
        assertThat(github.upstreamPath("/github/")).isEqualTo("/");
        assertThat(github.upstreamPath("/github")).isEqualTo("/");
        assertThat(github.upstreamPath("/github?x=1")).isEqualTo("/?x=1");
    }

    @Test
    void matchesHostIgnoringPortAndCaseAndKeepsPath() {
        assertThat(router.match("API.GitHub.com:443", "/repos/a")).isSameAs(githubByHost);
        assertThat(githubByHost.upstreamPath("/repos/a")).isEqualTo("/repos/a");
    }

    @Test
    void hostWithPortMatchesOnlyThatPort() {
        Route withPort = new Route(null, "api.example.com:8443", null, false);
        Router strict = new Router(List.of(withPort));
        assertThat(strict.match("API.example.com:8443", "/x")).isSameAs(withPort);
        assertThat(strict.match("api.example.com", "/x")).isNull();
        assertThat(strict.match("api.example.com:443", "/x")).isNull();
    }

    @Test
    void noMatchGivesNull() {
        assertThat(router.match("evil.example", "/githubx/repos")).isNull();
        assertThat(router.match(null, "/other")).isNull();
    }

    @Test
    void hostOnlyHandlesIpv6() {
        assertThat(Router.hostOnly("[::1]:8080")).isEqualTo("[::1]");
        assertThat(Router.hostOnly("example.com")).isEqualTo("example.com");
    }
}

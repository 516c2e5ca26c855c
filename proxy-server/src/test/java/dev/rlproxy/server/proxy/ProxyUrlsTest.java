package dev.rlproxy.server.proxy;

import dev.rlproxy.server.upstream.UpstreamTarget;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyUrlsTest {

    private static final UpstreamTarget GITHUB = UpstreamTarget.of("github", URI.create("https://api.github.com"));
    private static final UpstreamTarget WITH_BASE = UpstreamTarget.of("ghe", URI.create("http://ghe.local:8089/api/v3/"));

    private final ProxyUrls prefixed = ProxyUrls.of(GITHUB, "/github/", "proxy:8080", null);

    @Test
    void urlUnderTheBaseGoesThroughTheProxyWithTheRoutePrefix() {
        assertThat(prefixed.rewrite("https://api.github.com/repositories/1/issues?page=2"))
                .isEqualTo("http://proxy:8080/github/repositories/1/issues?page=2");
        assertThat(prefixed.rewrite("HTTPS://API.GITHUB.COM:443/x#frag")).isEqualTo("http://proxy:8080/github/x#frag");
        assertThat(prefixed.rewrite("https://api.github.com")).isEqualTo("http://proxy:8080/github");
        assertThat(prefixed.rewrite("https://api.github.com?q=1")).isEqualTo("http://proxy:8080/github?q=1");
    }

    @Test
    void urlsElsewhereAreLeftAlone() {
        assertThat(prefixed.rewrite("https://github.com/acme/widgets")).isEqualTo("https://github.com/acme/widgets");
        assertThat(prefixed.rewrite("http://api.github.com/x")).isEqualTo("http://api.github.com/x"); // other scheme
        assertThat(prefixed.rewrite("https://api.github.com:8443/x")).isEqualTo("https://api.github.com:8443/x");
        assertThat(prefixed.rewrite("https://api.github.com.evil.example/x")).isEqualTo("https://api.github.com.evil.example/x");
        assertThat(prefixed.rewrite("https://user@api.github.com/x")).isEqualTo("https://user@api.github.com/x");
        assertThat(prefixed.rewrite("//api.github.com/x")).isEqualTo("//api.github.com/x");
        assertThat(prefixed.rewrite("mailto:someone@example.com")).isEqualTo("mailto:someone@example.com");
        assertThat(prefixed.rewrite("page2")).isEqualTo("page2");
    }

    @Test
    void theBasePathMustMatchWholeSegments() {
        ProxyUrls urls = ProxyUrls.of(WITH_BASE, "/ghe/", "127.0.0.1:9000", null);
        assertThat(urls.rewrite("http://ghe.local:8089/api/v3/repos/a/b")).isEqualTo("http://127.0.0.1:9000/ghe/repos/a/b");
        assertThat(urls.rewrite("http://ghe.local:8089/api/v30/repos")).isEqualTo("http://ghe.local:8089/api/v30/repos");
        assertThat(urls.rewrite("http://ghe.local:8089/other")).isEqualTo("http://ghe.local:8089/other");
        assertThat(urls.rewrite("http://ghe.local/api/v3/x")).isEqualTo("http://ghe.local/api/v3/x"); // port 80, not 8089
    }

    @Test
    void absolutePathReferencesUnderTheBaseGetThePrefix() {
        ProxyUrls urls = ProxyUrls.of(WITH_BASE, "/ghe/", "127.0.0.1:9000", null);
        assertThat(urls.rewrite("/api/v3/repos?page=2")).isEqualTo("/ghe/repos?page=2");
        assertThat(urls.rewrite("/login")).isEqualTo("/login");
        assertThat(prefixed.rewrite("/repos/a/b")).isEqualTo("/github/repos/a/b");
    }

    @Test
    void hostRoutesKeepTheHostTheClientUsedAndThePath() {
        ProxyUrls urls = ProxyUrls.of(GITHUB, null, "api.github.com", null);
        assertThat(urls.rewrite("https://api.github.com/repos/x?page=2")).isEqualTo("http://api.github.com/repos/x?page=2");
        assertThat(urls.rewrite("https://api.github.com")).isEqualTo("http://api.github.com/");
        ProxyUrls withBase = ProxyUrls.of(WITH_BASE, null, "ghe.proxy:8080", null);
        assertThat(withBase.rewrite("http://ghe.local:8089/api/v3/repos")).isEqualTo("http://ghe.proxy:8080/repos");
        assertThat(withBase.rewrite("/api/v3/repos")).isEqualTo("/repos");
        // server.publicUrl gives the scheme; the host stays the client's, since it is what routes the request.
        ProxyUrls tls = ProxyUrls.of(GITHUB, null, "api.github.com", URI.create("https://proxy.example.com"));
        assertThat(tls.rewrite("https://api.github.com/x")).isEqualTo("https://api.github.com/x");
    }

    @Test
    void aConfiguredPublicUrlWinsOverTheHostHeader() {
        ProxyUrls urls = ProxyUrls.of(GITHUB, "/github/", "10.0.0.7:8080", URI.create("https://proxy.example.com/rl/"));
        assertThat(urls.rewrite("https://api.github.com/repos/x")).isEqualTo("https://proxy.example.com/rl/github/repos/x");
        assertThat(urls.rewrite("/repos/x")).isEqualTo("/rl/github/repos/x");
    }

    @Test
    void withoutAHostHeaderAbsoluteUrlsBecomePathsThatResolveAgainstTheProxy() {
        ProxyUrls urls = ProxyUrls.of(GITHUB, "/github/", null, null);
        assertThat(urls.rewrite("https://api.github.com/repos/x")).isEqualTo("/github/repos/x");
        ProxyUrls host = ProxyUrls.of(GITHUB, null, null, null);
        assertThat(host.rewrite("https://api.github.com?x=1")).isEqualTo("/?x=1");
    }

    @Test
    void aHostHeaderThatIsNotAPlainHostIsNeverWrittenIntoAUrl() {
        ProxyUrls urls = ProxyUrls.of(GITHUB, "/github/", "evil.example/phish?", null);
        assertThat(urls.rewrite("https://api.github.com/repos/x")).isEqualTo("/github/repos/x");
        ProxyUrls spaced = ProxyUrls.of(GITHUB, "/github/", " proxy:8080 ", null);
        assertThat(spaced.rewrite("https://api.github.com/x")).isEqualTo("http://proxy:8080/github/x");
    }

    @Test
    void ipv6UpstreamsMatchInBrackets() {
        UpstreamTarget v6 = UpstreamTarget.of("v6", URI.create("http://[::1]:8089"));
        ProxyUrls urls = ProxyUrls.of(v6, "/v6/", "proxy", null);
        assertThat(urls.rewrite("http://[::1]:8089/x")).isEqualTo("http://proxy/v6/x");
        assertThat(urls.rewrite("http://[::2]:8089/x")).isEqualTo("http://[::2]:8089/x");
    }
}

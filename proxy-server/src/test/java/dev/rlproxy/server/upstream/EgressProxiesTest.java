package dev.rlproxy.server.upstream;

import dev.rlproxy.core.config.EgressProxy;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EgressProxiesTest {

    private static final UpstreamTarget GITHUB = UpstreamTarget.of("github", URI.create("https://api.github.com"));
    private static final UpstreamTarget INTERNAL = UpstreamTarget.of("wiki", URI.create("http://wiki.corp.example:8080"));

    @Test
    void aFixedProxyAppliesAsConfiguredAndNoneMeansDirect() {
        EgressProxy fixed = EgressProxy.parse("http://proxy.corp:3128");

        assertThat(EgressProxies.select(fixed, GITHUB, Map.of("NO_PROXY", "*"))).isSameAs(fixed);
        assertThat(EgressProxies.select(null, GITHUB, Map.of("HTTPS_PROXY", "http://p:1"))).isNull();
    }

    @Test
    void httpsUpstreamsTakeHttpsProxyAndHttpOnesLowerCaseHttpProxyOnly() {
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://secure-proxy:3128", "HTTP_PROXY", "http://cgi:1");

        assertThat(EgressProxies.select(EgressProxy.ENVIRONMENT, GITHUB, env).address()).isEqualTo("secure-proxy:3128");
        assertThat(EgressProxies.select(EgressProxy.ENVIRONMENT, INTERNAL, env)).as("HTTP_PROXY is not read").isNull();
        assertThat(EgressProxies.select(EgressProxy.ENVIRONMENT, INTERNAL, Map.of("http_proxy", "plain-proxy:80"))
                .address()).isEqualTo("plain-proxy:80");
        assertThat(EgressProxies.select(EgressProxy.ENVIRONMENT, GITHUB,
                Map.of("https_proxy", "http://lower:1", "HTTPS_PROXY", "http://upper:2")).host()).isEqualTo("lower");
    }

    @Test
    void noProxyListsHostsDomainsPortsAndEverything() {
        NoProxy list = NoProxy.parse("localhost, .corp.example, github.com:8443, 10.0.0.7");

        assertThat(list.matches("wiki.corp.example", 80)).isTrue();
        assertThat(list.matches("corp.example", 80)).isTrue();
        assertThat(list.matches("notcorp.example", 80)).isFalse();
        assertThat(list.matches("api.github.com", 8443)).isTrue();
        assertThat(list.matches("api.github.com", 443)).isFalse();
        assertThat(list.matches("10.0.0.7", 443)).isTrue();
        assertThat(list.matches("LOCALHOST", 1)).isTrue();
        assertThat(NoProxy.parse("*").matches("anything", 1)).isTrue();
        assertThat(NoProxy.parse("").matches("anything", 1)).isFalse();

        assertThat(EgressProxies.select(EgressProxy.ENVIRONMENT, INTERNAL,
                Map.of("http_proxy", "http://p:1", "no_proxy", "corp.example"))).isNull();
    }

    @Test
    void anUnreadableEnvironmentValueIsNamedByItsVariableOnly() {
        assertThatThrownBy(() -> EgressProxies.select(EgressProxy.ENVIRONMENT, GITHUB,
                Map.of("HTTPS_PROXY", "socks5://u:secret@p:1")))
                .hasMessageStartingWith("upstream 'github': egressProxy: env: HTTPS_PROXY only http://")
                .message().doesNotContain("secret");
    }
}

package dev.rlproxy.core.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EgressProxyTest {

    @Test
    void readsAProxyUrlWithPercentEncodedCredentials() {
        EgressProxy proxy = EgressProxy.parse("http://svc%40corp:p%3Ass+w@proxy.corp:3128/");

        assertThat(proxy.fromEnvironment()).isFalse();
        assertThat(proxy.address()).isEqualTo("proxy.corp:3128");
        assertThat(proxy.username()).isEqualTo("svc@corp");
        assertThat(proxy.password().value()).isEqualTo("p:ss+w");
    }

    @Test
    void credentialsNeverShowInToStringOrErrors() {
        EgressProxy proxy = EgressProxy.parse("http://svc:hunter2@proxy.corp:3128");

        assertThat(proxy.toString()).isEqualTo("http://***@proxy.corp:3128").doesNotContain("hunter2");
        assertThatThrownBy(() -> EgressProxy.parse("socks5://svc:hunter2@proxy.corp:1080"))
                .hasMessageContaining("only http:// egress proxies").message().doesNotContain("hunter2");
        assertThatThrownBy(() -> EgressProxy.parse("http://svc:hunter2@proxy.corp:3128/path"))
                .message().doesNotContain("hunter2");
        assertThatThrownBy(() -> EgressProxy.parse("http://svc@proxy.corp:3128"))
                .hasMessageContaining("give both user and password");
    }

    @Test
    void envAndSchemeLessValuesAsCurlReadsThem() {
        assertThat(EgressProxy.parse(" ENV ")).isSameAs(EgressProxy.ENVIRONMENT);
        assertThat(EgressProxy.parseUrl("proxy.corp:8080").address()).isEqualTo("proxy.corp:8080");
        assertThat(EgressProxy.parseUrl("http://proxy.corp").port()).isEqualTo(EgressProxy.DEFAULT_PORT);
        assertThat(EgressProxy.parseUrl("http://[::1]:3128").address()).isEqualTo("[::1]:3128");
    }
}

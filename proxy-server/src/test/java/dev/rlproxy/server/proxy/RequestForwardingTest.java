package dev.rlproxy.server.proxy;

import dev.rlproxy.core.config.ForwardedHeaders;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestForwardingTest {

    private static HttpHeaders fromClient() {
        return new DefaultHttpHeaders()
                .add("X-Forwarded-For", "10.0.0.1")
                .add("X-Forwarded-For", "10.0.0.2")
                .add("X-Forwarded-Port", "443")
                .add("Forwarded", "for=10.0.0.1")
                .add("X-Real-IP", "10.0.0.1")
                .add("Via", "1.1 a")
                .add("Accept", "*/*");
    }

    @Test
    void byDefaultNothingAboutTheClientLeaves() {
        HttpHeaders headers = fromClient();
        RequestForwarding.NONE.apply(headers, "192.168.1.5", "proxy.internal");
        assertThat(headers.names()).containsExactly("Accept");
    }

    @Test
    void forwardedQuotesIpv6AndEscapesTheHost() {
        HttpHeaders headers = new DefaultHttpHeaders();
        new RequestForwarding(ForwardedHeaders.FORWARDED, false).apply(headers, "2001:db8::1", "h\"x");
        assertThat(headers.get("Forwarded")).isEqualTo("for=\"[2001:db8::1]\";host=\"h\\\"x\";proto=http");
    }

    @Test
    void trustedChainsAreJoinedAndExtended() {
        HttpHeaders headers = fromClient();
        new RequestForwarding(ForwardedHeaders.X_FORWARDED, true).apply(headers, "192.168.1.5", null);
        assertThat(headers.getAll("X-Forwarded-For")).containsExactly("10.0.0.1, 10.0.0.2, 192.168.1.5");
        assertThat(headers.get("X-Forwarded-Port")).isEqualTo("443");
        assertThat(headers.contains("X-Forwarded-Host")).isFalse();
    }
}

package dev.rlproxy.server.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HopByHopHeadersTest {

    @Test
    void stripsConnectionScopedHeadersAndThoseConnectionNames() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Connection", "keep-alive, X-Secret-Hop")
                .add("X-Secret-Hop", "1")
                .add("Keep-Alive", "timeout=5")
                .add("Proxy-Authorization", "Basic abc")
                .add("Proxy-Connection", "keep-alive")
                .add("TE", "trailers")
                .add("Trailer", "X-Checksum")
                .add("Transfer-Encoding", "chunked")
                .add("Upgrade", "websocket")
                .add("Accept", "application/json")
                .add("Authorization", "Bearer client");

        HopByHopHeaders.strip(headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("Accept", "Authorization");
    }
}

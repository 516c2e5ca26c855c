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

    @Test
    void matchesNamesWhateverTheirCaseAndOnlyWhole() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("TE", "trailers")
                .add("UPGRADE", "h2c")
                .add("proxy-Authorization", "Basic x")
                .add("Upgrade-Insecure-Requests", "1")
                .add("Tea", "green")
                .add("Trailers", "kept")
                .add("Proxyish", "kept");

        HopByHopHeaders.strip(headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("Upgrade-Insecure-Requests", "Tea", "Trailers", "Proxyish");
    }

    @Test
    void aHeadWithoutAnyIsLeftAsItIs() {
        HttpHeaders headers = new DefaultHttpHeaders().add("Host", "api").add("Accept", "*/*");

        HopByHopHeaders.strip(headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("Host", "Accept");
    }

    @Test
    void everyConnectionHeaderNamesHeadersWhateverItsListLooksLike() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("CONNECTION", "X-One ,, x-two,")
                .add("connection", "close")
                .add("X-One", "1")
                .add("X-Two", "2")
                .add("X-Three", "3")
                .add("Close", "a header, not the option");

        HopByHopHeaders.strip(headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("X-Three", "Close");
    }
}

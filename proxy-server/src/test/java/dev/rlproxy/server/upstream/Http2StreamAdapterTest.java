package dev.rlproxy.server.upstream;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Http2StreamAdapterTest {

    private final Http2StreamAdapter adapter = new Http2StreamAdapter();

    @Test
    void removesTheStreamIdTheConverterAddsAndKeepsWhatTheUpstreamSent() {
        EmbeddedChannel stream = new EmbeddedChannel(adapter);
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set("x-http2-stream-id", 3).set("x-http2-scheme", "https").set("x-request-id", "r1");

        stream.writeInbound(response);

        HttpResponse relayed = stream.readInbound();
        assertThat(relayed.headers().names()).containsExactlyInAnyOrder("x-http2-scheme", "x-request-id");
    }

    @Test
    void oneInstanceServesEveryStream() {
        EmbeddedChannel first = new EmbeddedChannel(adapter);
        EmbeddedChannel second = new EmbeddedChannel(adapter);
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set("x-http2-stream-id", 5);

        second.writeInbound(response);

        assertThat(second.<HttpResponse>readInbound().headers().isEmpty()).isTrue();
        assertThat(first.<Object>readInbound()).isNull();
    }
}

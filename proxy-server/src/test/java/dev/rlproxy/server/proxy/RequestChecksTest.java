package dev.rlproxy.server.proxy;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestChecksTest {

    private static HttpRequest post(String... headers) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/github/x");
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
        }
        return request;
    }

    @Test
    void acceptsPlainRequests() {
        assertThat(RequestChecks.reject(post("Content-Length", "10"), 100)).isNull();
        assertThat(RequestChecks.reject(post("Transfer-Encoding", "chunked"), 100)).isNull();
    }

    @Test
    void rejectsSmugglingShapes() {
        assertThat(RequestChecks.reject(post("Content-Length", "10", "Transfer-Encoding", "chunked"), 100).status())
                .isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(RequestChecks.reject(post("Content-Length", "10", "Content-Length", "11"), 100).detail())
                .contains("conflicting Content-Length");
        assertThat(RequestChecks.reject(post("Transfer-Encoding", "gzip, chunked"), 100).detail())
                .contains("only chunked");
        assertThat(RequestChecks.reject(post("Content-Length", "-1"), 100).detail()).contains("invalid");
    }

    @Test
    void rejectsAbsoluteFormTargets() {
        HttpRequest forward = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://evil.example/");
        assertThat(RequestChecks.reject(forward, 100).detail()).contains("not a forward proxy");
    }

    @Test
    void rejectsAnnouncedBodiesOverTheLimit() {
        assertThat(RequestChecks.reject(post("Content-Length", "101"), 100).status())
                .isEqualTo(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
    }
}

package dev.rlproxy.server.proxy;

import dev.rlproxy.server.upstream.UpstreamTarget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class BodyUrlRewriterTest {

    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
    private static final UpstreamTarget GITHUB = UpstreamTarget.of("github", URI.create("https://api.github.com"));
    private static final String BODY = "[{\"url\":\"https://api.github.com/repos/a/b/issues/1\","
            + "\"comments_url\":\"https://api.github.com/repos/a/b/issues/1/comments\","
            + "\"html_url\":\"https://github.com/a/b/issues/1\",\"evil\":\"https://api.github.com.evil.example/x\","
            + "\"port\":\"https://api.github.com:8443/x\",\"root\":\"https://api.github.com\","
            + "\"upper\":\"HTTPS://API.GitHub.com/x?q=1\",\"escaped\":\"https://api.github.com\\/x\","
            + "\"text\":\"see https://api.github.com/x#y and é\"}]";
    private static final String EXPECTED = "[{\"url\":\"http://proxy:8080/github/repos/a/b/issues/1\","
            + "\"comments_url\":\"http://proxy:8080/github/repos/a/b/issues/1/comments\","
            + "\"html_url\":\"https://github.com/a/b/issues/1\",\"evil\":\"https://api.github.com.evil.example/x\","
            + "\"port\":\"https://api.github.com:8443/x\",\"root\":\"http://proxy:8080/github\","
            + "\"upper\":\"http://proxy:8080/github/x?q=1\",\"escaped\":\"http://proxy:8080/github\\/x\","
            + "\"text\":\"see http://proxy:8080/github/x#y and é\"}]";

    private static BodyUrlRewriter rewriter() {
        return ProxyUrls.of(GITHUB, "/github/", "proxy:8080", null).bodyRewriter();
    }

    /** Feeds {@code body} in chunks ending at {@code cuts} and returns what comes out. */
    private static String run(BodyUrlRewriter rewriter, byte[] body, int... cuts) {
        StringBuilder out = new StringBuilder();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : body.length;
            boolean last = i == cuts.length;
            ByteBuf result = rewriter.rewrite(Unpooled.copiedBuffer(body, from, to - from), last, ALLOC);
            byte[] chunk = new byte[result.readableBytes()];
            result.readBytes(chunk);
            result.release();
            bytes.writeBytes(chunk);
            from = to;
        }
        return out.append(bytes.toString(StandardCharsets.UTF_8)).toString();
    }

    @Test
    void rewritesUrlsUnderTheBaseAndNothingElse() {
        assertThat(run(rewriter(), BODY.getBytes(StandardCharsets.UTF_8))).isEqualTo(EXPECTED);
    }

    @Test
    void aUrlSplitAcrossChunksAnywhereIsStillFound() {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= body.length; cut++) {
            assertThat(run(rewriter(), body, cut)).as("cut at %d", cut).isEqualTo(EXPECTED);
        }
    }

    @Test
    void randomChunkingsGiveTheSameBody() {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        for (int seed = 0; seed < 200; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int[] cuts = random.ints(random.nextInt(1, 40), 0, body.length + 1).sorted().toArray();
            assertThat(run(rewriter(), body, cuts)).as("seed %d", seed).isEqualTo(EXPECTED);
        }
    }

    @Test
    void holdsBackNoMoreThanThePatternBetweenChunks() {
        BodyUrlRewriter rewriter = rewriter();
        String pattern = "https://api.github.com";
        ByteBuf out = rewriter.rewrite(Unpooled.copiedBuffer("x".repeat(10_000), StandardCharsets.US_ASCII), false, ALLOC);
        assertThat(out.readableBytes()).isEqualTo(10_000 - pattern.length());
        out.release();
        ByteBuf rest = rewriter.rewrite(Unpooled.EMPTY_BUFFER, true, ALLOC);
        assertThat(rest.readableBytes()).isEqualTo(pattern.length());
        rest.release();
    }

    @Test
    void aBasePathMustEndAtABoundary() {
        UpstreamTarget ghe = UpstreamTarget.of("ghe", URI.create("http://ghe.local:8089/api/v3"));
        BodyUrlRewriter rewriter = ProxyUrls.of(ghe, "/ghe/", "proxy", null).bodyRewriter();
        assertThat(run(rewriter, "{\"a\":\"http://ghe.local:8089/api/v3/repos\",\"b\":\"http://ghe.local:8089/api/v30\"}"
                .getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("{\"a\":\"http://proxy/ghe/repos\",\"b\":\"http://ghe.local:8089/api/v30\"}");
    }

    @Test
    void keepsTrailersOfTheLastPart() {
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.copiedBuffer("\"https://api.github.com/x\"",
                StandardCharsets.US_ASCII));
        last.trailingHeaders().set("X-Trailer", "yes");
        HttpContent out = rewriter().rewrite(last, ALLOC);
        assertThat(out).isInstanceOf(LastHttpContent.class);
        assertThat(((LastHttpContent) out).trailingHeaders().get("X-Trailer")).isEqualTo("yes");
        assertThat(out.content().toString(StandardCharsets.US_ASCII)).isEqualTo("\"http://proxy:8080/github/x\"");
        assertThat(last.refCnt()).isZero();
        out.release();
    }

    @Test
    void onlyJsonIsRewritten() {
        assertThat(ResponseRewriter.isJson("application/json; charset=utf-8")).isTrue();
        assertThat(ResponseRewriter.isJson("Application/vnd.github+json")).isTrue();
        assertThat(ResponseRewriter.isJson("text/html")).isFalse();
        assertThat(ResponseRewriter.isJson("application/jsonp")).isFalse();
        assertThat(ResponseRewriter.isJson(null)).isFalse();
    }
}

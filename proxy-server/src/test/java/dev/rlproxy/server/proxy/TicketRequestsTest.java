package dev.rlproxy.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.config.BucketScope;
import dev.rlproxy.core.limit.BucketLimit;
import dev.rlproxy.core.limit.BucketRef;
import dev.rlproxy.core.limit.TicketRequest;
import dev.rlproxy.core.tokens.Fingerprint;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TicketRequestsTest {

    private static final BucketLimit PER_SECOND = BucketLimit.of(10, Duration.ofSeconds(1));
    private static final BucketLimit ASSUMED = BucketLimit.of(5_000, Duration.ofHours(1));

    private final TicketRequests tickets = new TicketRequests("gh", List.of(
            BucketSpec.rate("all", PER_SECOND, BucketScope.UPSTREAM, 1),
            BucketSpec.rate("per-token", PER_SECOND, BucketScope.TOKEN, 100),
            BucketSpec.rate("per-route", PER_SECOND, BucketScope.ROUTE, 100),
            BucketSpec.rate("per-user", PER_SECOND, BucketScope.header("X-User"), 100),
            BucketSpec.rate("per-auth", PER_SECOND, BucketScope.header("Authorization"), 100),
            BucketSpec.inFlight("concurrent", 4, BucketScope.TOKEN)), ASSUMED, "Authorization");

    private TicketRequest request(String route, String token, HttpHeaders headers) {
        return tickets.of(route, token, headers, 1_000);
    }

    @Test
    void namesEveryBucketOfTheRequestsScopesAndItsLearnedPosition() {
        HttpHeaders headers = new DefaultHttpHeaders().set("X-User", "alice").set("Authorization", "Bearer secret");
        TicketRequest request = request("GET /repos", "sha256:aa", headers);

        assertThat(request.buckets()).extracting(BucketRef::key).containsExactly(
                "gh/all/", "gh/per-token/token=sha256:aa", "gh/per-route/route=GET /repos", "gh/per-user/X-User=alice",
                "gh/per-auth/Authorization=" + Fingerprint.of("Bearer secret"), "gh/concurrent/token=sha256:aa");
        assertThat(request.buckets()).extracting(BucketRef::group).startsWith("gh/all", "gh/per-token");
        assertThat(request.buckets().get(5).isInFlightCap()).isTrue();
        assertThat(request.learned().scope()).isEqualTo("gh|sha256:aa");
        assertThat(request.learned().route()).isEqualTo("GET /repos");
        assertThat(request.learned().assumedLimit()).isEqualTo(ASSUMED);
        assertThat(request.buckets().toString()).as("a credential header keys by fingerprint only").doesNotContain("secret");
    }

    @Test
    void withoutATokenTheScopeIsNone() {
        TicketRequest request = request("GET /x", null, new DefaultHttpHeaders());

        assertThat(request.buckets().get(1).key()).isEqualTo("gh/per-token/token=none");
        assertThat(request.buckets().get(3).key()).as("an absent header scopes to the empty value").isEqualTo("gh/per-user/X-User=");
        assertThat(request.learned().scope()).isEqualTo("gh|none");
    }

    @Test
    void reusesTheRefsOfAScopeItHasSeenButNotThoseOfAnotherScope() {
        HttpHeaders headers = new DefaultHttpHeaders();
        List<BucketRef> first = request("GET /a", "sha256:aa", headers).buckets();
        List<BucketRef> again = request("GET /a", "sha256:aa", headers).buckets();
        List<BucketRef> otherToken = request("GET /a", "sha256:bb", headers).buckets();

        assertThat(again.get(0)).isSameAs(first.get(0));
        assertThat(again.get(1)).isSameAs(first.get(1));
        assertThat(again.get(2)).isSameAs(first.get(2));
        assertThat(otherToken.get(0)).isSameAs(first.get(0));
        assertThat(otherToken.get(1).key()).isEqualTo("gh/per-token/token=sha256:bb");
        assertThat(otherToken.get(2)).isSameAs(first.get(2));
    }

    @Test
    void keysStayRightBeyondTheScopesItKeeps() {
        for (int i = 0; i < TicketRequests.CACHED_SCOPES + 10; i++) {
            TicketRequest request = request("GET /items/" + i, "sha256:" + i, new DefaultHttpHeaders());
            assertThat(request.buckets().get(1).key()).isEqualTo("gh/per-token/token=sha256:" + i);
            assertThat(request.buckets().get(2).key()).isEqualTo("gh/per-route/route=GET /items/" + i);
            assertThat(request.learned().scope()).isEqualTo("gh|sha256:" + i);
        }
    }

    @Test
    void anUpstreamWithoutBucketsAsksOnlyForItsLearnedPosition() {
        TicketRequest request = new TicketRequests("d", List.of(), null, "Authorization")
                .of("GET /x", "sha256:aa", new DefaultHttpHeaders(), 1_000);

        assertThat(request.buckets()).isEmpty();
        assertThat(request.learned().scope()).isEqualTo("d|sha256:aa");
        assertThat(request.learned().assumedLimit()).isNull();
    }
}

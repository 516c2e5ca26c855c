package dev.rlproxy.server.store;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.serviceUnavailable;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.core.tokens.OAuth2ClientCredentials;
import dev.rlproxy.core.tokens.RefreshingCredential;
import dev.rlproxy.core.tokens.Secret;
import dev.rlproxy.core.tokens.SharedCredentialGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * Two replicas' OAuth2 credentials (each with its own Redis gateway) sharing one Redis, against a
 * WireMock token endpoint: one token request per lifetime for both, the old token while the
 * endpoint fails, and each replica's own token while Redis is down.
 */
class RedisSharedCredentialsTest {

    private static final String NAME = "api/oauth2/sha256:0000test";
    private static final Duration LIFETIME = Duration.ofHours(1);
    private static final Duration REFRESH_BEFORE = Duration.ofMinutes(10);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final String TOKEN_JSON = "{\"access_token\":\"shared-token-%d\",\"expires_in\":3600}";

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> open = new ArrayList<>();
    private WireMockServer tokenEndpoint;
    private RedisServerProcess redis;

    @BeforeEach
    void start() throws Exception {
        tokenEndpoint = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        tokenEndpoint.start();
        issue(1);
        redis = RedisServerProcess.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        redis.close();
        tokenEndpoint.stop();
    }

    @Test
    void oneTokenRequestPerLifetimeForBothReplicas() {
        RefreshingCredential a = replica();
        RefreshingCredential b = replica();
        a.start();
        b.start();
        settle(() -> a.current().isPresent() && b.current().isPresent());
        assertThat(b.current()).isEqualTo(a.current());
        assertThat(tokenRequests()).isEqualTo(1);

        issue(2);
        scheduler.advanceNanos(LIFETIME.minus(REFRESH_BEFORE).toNanos()); // both refresh timers fire
        settle(() -> token(a).equals("shared-token-2") && token(b).equals("shared-token-2"));
        assertThat(tokenRequests()).as("one request for the second lifetime too").isEqualTo(2);
        assertThat(redis.isAlive()).isTrue();
    }

    @Test
    void aFailingEndpointLeavesTheOldTokenServingUntilItExpires() {
        RefreshingCredential a = replica();
        RefreshingCredential b = replica();
        a.start();
        b.start();
        settle(() -> a.current().isPresent() && b.current().isPresent());

        tokenEndpoint.stubFor(post(urlEqualTo("/token")).willReturn(serviceUnavailable()));
        scheduler.advanceNanos(LIFETIME.minus(REFRESH_BEFORE).toNanos());
        settle(() -> tokenRequests() >= 3);
        assertThat(token(a)).isEqualTo("shared-token-1");
        assertThat(token(b)).isEqualTo("shared-token-1");

        scheduler.advanceNanos(REFRESH_BEFORE.toNanos());
        assertThat(a.current()).as("expired with no replacement").isEmpty();
        assertThat(b.current()).isEmpty();
    }

    @Test
    void withRedisDownEachReplicaFetchesItsOwn() throws Exception {
        RefreshingCredential a = replica();
        RefreshingCredential b = replica();
        redis.kill();
        a.start();
        b.start();
        settle(() -> a.current().isPresent() && b.current().isPresent());
        assertThat(tokenRequests()).as("one request per replica, as without a store").isEqualTo(2);
    }

    /** A replica: its own gateway to the shared Redis, its own credential. */
    private RefreshingCredential replica() {
        RedisClient client = RedisClient.builder().hostAndPort(new HostAndPort(redis.host(), redis.port()))
                .clientConfig(DefaultJedisClientConfig.builder().socketTimeoutMillis(500)
                        .connectionTimeoutMillis(500).build())
                .build();
        RedisGateway gateway = new RedisGateway(client, redis.uri(), scheduler, 2, 100, Duration.ofSeconds(1).toNanos());
        open.add(gateway);
        OAuth2ClientCredentials fetch = new OAuth2ClientCredentials(new OAuth2ClientCredentials.Settings(
                URI.create(tokenEndpoint.baseUrl() + "/token"), "client", Secret.of("client-s3cret"), null, null,
                Duration.ofSeconds(5)), http, clock);
        SharedCredentialGenerator shared = new SharedCredentialGenerator(NAME, fetch, new RedisCredentialStore(gateway),
                new SharedCredentialGenerator.Settings(Duration.ofSeconds(10), POLL), clock, scheduler);
        return new RefreshingCredential(NAME, shared, REFRESH_BEFORE, clock, scheduler);
    }

    /**
     * Lets the asynchronous work (HTTP, Redis) finish, moving the manual time a poll at a time:
     * ten times real time at most, far from the refresh margin of ten minutes.
     */
    private void settle(BooleanSupplier done) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            scheduler.advanceNanos(POLL.toNanos());
            return done.getAsBoolean();
        });
    }

    private void issue(int n) {
        tokenEndpoint.stubFor(post(urlEqualTo("/token")).willReturn(okJson(TOKEN_JSON.formatted(n))));
    }

    private int tokenRequests() {
        return tokenEndpoint.findAll(postRequestedFor(urlEqualTo("/token"))).size();
    }

    private static String token(RefreshingCredential credential) {
        return credential.current().map(Secret::value).orElse("");
    }
}

package dev.rlproxy.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A local stand-in for GitHub's {@code POST /app/installations/{id}/access_tokens}: it checks the
 * App JWT as GitHub does (RS256 signature against the App's public key, {@code iss}, {@code iat} in
 * the past, {@code exp} ahead and at most 10 minutes out, by its own clock) and issues tokens
 * {@code ghs_<installation>_<n>} that expire after {@link #tokenLifetime}. It sends its clock's time
 * in {@code Date}, as GitHub does. The key pair is made here; {@link #writePkcs8Key} hands the
 * private half to the proxy.
 */
final class FakeGitHubApp implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ENDPOINT = Pattern.compile("/app/installations/(\\d+)/access_tokens");

    final String appId;
    private final String basePath;
    private final Set<Long> installations;
    private final LongSupplier wallMillis;
    private final KeyPair keys = rsaKeyPair();
    private final WireMockServer server;
    private final Map<Long, AtomicInteger> issued = new ConcurrentHashMap<>();
    private final AtomicLong skewMillis = new AtomicLong();
    private final AtomicInteger failuresToServe = new AtomicInteger();
    private final List<String> rejections = new CopyOnWriteArrayList<>();
    volatile Duration tokenLifetime = Duration.ofHours(1);

    private FakeGitHubApp(String appId, String basePath, Set<Long> installations, LongSupplier wallMillis) {
        this.appId = appId;
        this.basePath = basePath;
        this.installations = installations;
        this.wallMillis = wallMillis;
        this.server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
                .extensionScanningEnabled(false).extensions(new Endpoint()));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(ok()));
    }

    /** @param basePath {@code ""} as on github.com, or e.g. {@code "/api/v3"} as on GitHub Enterprise Server */
    static FakeGitHubApp start(String appId, String basePath, Set<Long> installations, LongSupplier wallMillis) {
        return new FakeGitHubApp(appId, basePath, installations, wallMillis);
    }

    /** The API base to configure as {@code apiUrl}. */
    String apiUrl() {
        return "http://127.0.0.1:" + server.port() + basePath;
    }

    /** The private key as a PKCS#8 PEM file. */
    Path writePkcs8Key(Path dir) {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        try {
            return Files.writeString(dir.resolve("app-" + appId + ".pem"), pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** From now on this endpoint's clock runs {@code skew} ahead of the one it was given. */
    void skewClock(Duration skew) {
        skewMillis.set(skew.toMillis());
    }

    /** The next {@code n} requests get 503, whatever they carry. */
    void failNext(int n) {
        failuresToServe.set(n);
    }

    int issued(long installation) {
        AtomicInteger n = issued.get(installation);
        return n == null ? 0 : n.get();
    }

    /** Why JWTs were refused, in order. */
    List<String> rejections() {
        return rejections;
    }

    List<LoggedRequest> requests() {
        return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(anyUrl()));
    }

    @Override
    public void close() {
        server.stop();
    }

    private long now() {
        return wallMillis.getAsLong() + skewMillis.get();
    }

    private final class Endpoint implements ResponseDefinitionTransformerV2 {

        @Override
        public String getName() {
            return "fake-github-app";
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            LoggedRequest request = event.getRequest();
            long now = now();
            if (failuresToServe.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return answer(503, now, "{\"message\":\"Service Unavailable\"}");
            }
            String path = request.getUrl();
            Matcher endpoint = ENDPOINT.matcher(path.startsWith(basePath) ? path.substring(basePath.length()) : "");
            if (!request.getMethod().getName().equals("POST") || !endpoint.matches()) {
                return answer(404, now, "{\"message\":\"Not Found\"}");
            }
            String problem = jwtProblem(request.getHeader("Authorization"), now);
            if (problem != null) {
                rejections.add(problem);
                return answer(401, now, "{\"message\":\"" + problem + "\"}");
            }
            long installation = Long.parseLong(endpoint.group(1));
            if (!installations.contains(installation)) {
                return answer(404, now, "{\"message\":\"Not Found\"}");
            }
            int n = issued.computeIfAbsent(installation, i -> new AtomicInteger()).incrementAndGet();
            Instant expiresAt = Instant.ofEpochMilli(now).plus(tokenLifetime).truncatedTo(ChronoUnit.SECONDS);
            return answer(201, now, "{\"token\":\"ghs_" + installation + "_" + n + "\",\"expires_at\":\"" + expiresAt
                    + "\",\"permissions\":{\"issues\":\"read\"},\"repository_selection\":\"all\"}");
        }

        private String jwtProblem(String authorization, long nowMillis) {
            if (authorization == null || !authorization.startsWith("Bearer ")) {
                return "A JSON web token could not be decoded";
            }
            String[] parts = authorization.substring(7).split("\\.");
            try {
                JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
                JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
                Signature rs256 = Signature.getInstance("SHA256withRSA");
                rs256.initVerify(keys.getPublic());
                rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                if (!"RS256".equals(header.path("alg").asText()) || !rs256.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                    return "A JSON web token could not be decoded (signature)";
                }
                long now = nowMillis / 1000;
                long iat = claims.path("iat").asLong(Long.MAX_VALUE);
                long exp = claims.path("exp").asLong(Long.MIN_VALUE);
                if (!appId.equals(claims.path("iss").asText())) {
                    return "Integration not found (iss)";
                }
                if (iat > now) {
                    return "Issued at claim (iat) must be an Integer representing a time in the past";
                }
                if (exp <= now) {
                    return "Expiration time claim (exp) must be a time in the future";
                }
                if (exp > now + 600 || exp - iat > 600) {
                    return "Expiration time claim (exp) is too far in the future";
                }
                return null;
            } catch (IOException | RuntimeException | java.security.GeneralSecurityException e) {
                return "A JSON web token could not be decoded (" + e.getClass().getSimpleName() + ")";
            }
        }

        private ResponseDefinition answer(int status, long nowMillis, String body) {
            return ResponseDefinitionBuilder.responseDefinition()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json; charset=utf-8")
                    .withHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                            Instant.ofEpochMilli(nowMillis).atOffset(ZoneOffset.UTC)))
                    .withBody(body)
                    .build();
        }
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

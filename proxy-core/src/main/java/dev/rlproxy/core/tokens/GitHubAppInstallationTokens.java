package dev.rlproxy.core.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.tokens.OAuth2ClientCredentials.CredentialRequestFailedException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * GitHub App installation tokens: each installation has its own quota (5,000 to 15,000 calls an
 * hour) without any personal token. One generator mints tokens for one installation:
 * <ol>
 *   <li>signs a {@link GitHubAppJwt} with the App's private key;</li>
 *   <li>sends {@code POST {apiUrl}/app/installations/{id}/access_tokens} with it as a bearer token,
 *       asynchronously ({@link HttpClient#sendAsync}); {@code apiUrl} is {@code https://api.github.com}
 *       or a GitHub Enterprise Server base like {@code https://ghe.example.com/api/v3};</li>
 *   <li>reads {@code token} and {@code expires_at} from the answer.</li>
 * </ol>
 *
 * <p>Clock skew: GitHub refuses a JWT whose {@code iat}/{@code exp} look wrong by its own clock, and
 * states expiry in its own time. Every answer's {@code Date} header (any status) tells this generator
 * how far the local clock is off; beyond {@link #SKEW_TOLERANCE} the offset is applied to the next
 * JWT and to the expiry, so a proxy on a badly set clock recovers at its first retry (as octokit does).
 *
 * <p>Failures name the endpoint, the installation and the HTTP status, never the JWT, the key or the token.
 */
public final class GitHubAppInstallationTokens implements CredentialGenerator {

    /** GitHub's installation tokens live one hour; a longer stated lifetime is not believed. */
    static final Duration MAX_LIFETIME = Duration.ofHours(1);
    static final Duration SKEW_TOLERANCE = Duration.ofSeconds(2);
    private static final Pattern ISSUER = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern SAFE_MESSAGE = Pattern.compile("[A-Za-z0-9 '()._,:;/-]{1,160}");

    /**
     * @param apiUrl         the REST API base, without the {@code /app/...} part
     * @param appId          the App's numeric id or its client id (the JWT issuer)
     * @param requestTimeout how long one token request may take
     */
    public record Settings(URI apiUrl, String appId, long installationId, RsaSigningKey key, Duration requestTimeout) {
        public Settings {
            if (apiUrl == null || !("https".equals(apiUrl.getScheme()) || "http".equals(apiUrl.getScheme()))) {
                throw new IllegalArgumentException("githubApp apiUrl must be an http(s) URL, was " + apiUrl);
            }
            if (appId == null || !ISSUER.matcher(appId).matches()) {
                throw new IllegalArgumentException("githubApp appId must be the App's id or client id");
            }
            if (installationId < 1 || key == null) {
                throw new IllegalArgumentException("githubApp needs an installation id >= 1 and a private key");
            }
            if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("githubApp requestTimeout must be positive, was " + requestTimeout);
            }
        }

        /** {@code POST} here with the JWT to get an installation token. */
        public URI tokenEndpoint() {
            String base = apiUrl.toString().replaceAll("/+$", "");
            return URI.create(base + "/app/installations/" + installationId + "/access_tokens");
        }
    }

    private final Settings settings;
    private final HttpClient http;
    private final Clock clock;
    /** How far GitHub's clock is ahead of ours, learned from Date headers; 0 while within tolerance. */
    private final AtomicLong serverAheadMillis = new AtomicLong();

    public GitHubAppInstallationTokens(Settings settings, HttpClient http, Clock clock) {
        if (settings == null || http == null || clock == null) {
            throw new IllegalArgumentException("GitHub App tokens need settings, an HTTP client and a clock");
        }
        this.settings = settings;
        this.http = http;
        this.clock = clock;
    }

    public String appId() {
        return settings.appId();
    }

    public long installationId() {
        return settings.installationId();
    }

    @Override
    public CompletableFuture<GeneratedCredential> generate() {
        long serverNowSeconds = Math.floorDiv(clock.wallMillis() + serverAheadMillis.get(), 1000L);
        String jwt = GitHubAppJwt.sign(settings.key(), settings.appId(), serverNowSeconds);
        HttpRequest request = HttpRequest.newBuilder(settings.tokenEndpoint())
                .timeout(settings.requestTimeout())
                .header("Authorization", "Bearer " + jwt)
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header("User-Agent", "rlproxy")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> {
                    if (error != null) {
                        throw TokenEndpointAnswers.noAnswer(describe(), error);
                    }
                    learnClockSkew(response);
                    return parse(response, jwt);
                });
    }

    private GeneratedCredential parse(HttpResponse<String> response, String jwt) {
        JsonNode json = TokenEndpointAnswers.readJson(response.body());
        if (response.statusCode() / 100 != 2) {
            throw new CredentialRequestFailedException(describe() + " answered HTTP " + response.statusCode()
                    + safeMessage(json, jwt) + hint(response.statusCode()));
        }
        String token = json == null ? null : json.path("token").asText(null);
        if (token == null || token.isBlank()) {
            throw new CredentialRequestFailedException(describe() + " answered without a token");
        }
        long now = clock.wallMillis();
        Instant stated = expiresAt(json.path("expires_at").asText(""));
        long lifetimeMillis = stated == null ? MAX_LIFETIME.toMillis()
                : Math.min(MAX_LIFETIME.toMillis(), stated.toEpochMilli() - serverAheadMillis.get() - now);
        return new GeneratedCredential(Secret.of(token), Instant.ofEpochMilli(now + lifetimeMillis));
    }

    private void learnClockSkew(HttpResponse<String> response) {
        response.headers().firstValue("Date").ifPresent(date -> {
            try {
                long ahead = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli()
                        - clock.wallMillis();
                serverAheadMillis.set(Math.abs(ahead) > SKEW_TOLERANCE.toMillis() ? ahead : 0);
            } catch (DateTimeParseException e) {
                // An unreadable Date says nothing about the clocks.
            }
        });
    }

    private static Instant expiresAt(String text) {
        try {
            return text.isEmpty() ? null : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** GitHub's {@code message}, if it is short plain text and does not echo the JWT. */
    private static String safeMessage(JsonNode json, String jwt) {
        String message = json == null ? null : json.path("message").asText(null);
        if (message == null || !SAFE_MESSAGE.matcher(message).matches()
                || message.contains(jwt.substring(jwt.lastIndexOf('.') + 1))) {
            return "";
        }
        return " (" + message + ")";
    }

    private String hint(int status) {
        return switch (status) {
            case 401 -> "; check that the private key belongs to App " + settings.appId() + " and the clock is right";
            case 404 -> "; check that " + settings.installationId() + " is an installation of App " + settings.appId();
            default -> "";
        };
    }

    private String describe() {
        return "GitHub App token request to " + settings.tokenEndpoint() + " (App " + settings.appId() + ")";
    }

    @Override
    public String toString() {
        return "GitHubAppInstallationTokens[" + settings.apiUrl() + ", App " + settings.appId() + ", installation "
                + settings.installationId() + "]";
    }
}

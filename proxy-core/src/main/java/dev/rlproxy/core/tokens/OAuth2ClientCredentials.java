package dev.rlproxy.core.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rlproxy.core.time.Clock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * OAuth2 client credentials grant (RFC 6749 §4.4): {@code POST tokenUrl} with
 * {@code grant_type=client_credentials}, form-encoded, the client authenticated by HTTP Basic or by
 * {@code client_id}/{@code client_secret} in the body; reads {@code access_token} and
 * {@code expires_in}. Fully asynchronous ({@link HttpClient#sendAsync}).
 *
 * <p>Failures name the token URL, the HTTP status and the OAuth2 {@code error} code, never the
 * client secret, the token or the response body.
 */
public final class OAuth2ClientCredentials implements CredentialGenerator {

    /** Lifetime assumed when the server omits {@code expires_in} (RFC 6749 makes it optional). */
    static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
    private static final Pattern SAFE_ERROR_CODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** How the client proves who it is. */
    public enum ClientAuthentication {
        /** {@code Authorization: Basic base64(urlencode(id):urlencode(secret))} (RFC 6749 §2.3.1). */
        BASIC,
        /** {@code client_id} and {@code client_secret} as form fields. */
        BODY
    }

    /**
     * @param scope          space-separated scopes, or {@code null} for none
     * @param requestTimeout how long one token request may take
     */
    public record Settings(URI tokenUrl, String clientId, Secret clientSecret, String scope,
                           ClientAuthentication authentication, Duration requestTimeout) {
        public Settings {
            if (tokenUrl == null || !("https".equals(tokenUrl.getScheme()) || "http".equals(tokenUrl.getScheme()))) {
                throw new IllegalArgumentException("oauth2 tokenUrl must be an http(s) URL, was " + tokenUrl);
            }
            if (clientId == null || clientId.isBlank()) {
                throw new IllegalArgumentException("oauth2 clientId must not be empty");
            }
            if (clientSecret == null) {
                throw new IllegalArgumentException("oauth2 clientSecret must not be empty");
            }
            authentication = authentication == null ? ClientAuthentication.BASIC : authentication;
            if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("oauth2 requestTimeout must be positive, was " + requestTimeout);
            }
        }
    }

    private final Settings settings;
    private final HttpClient http;
    private final Clock clock;

    public OAuth2ClientCredentials(Settings settings, HttpClient http, Clock clock) {
        if (settings == null || http == null || clock == null) {
            throw new IllegalArgumentException("oauth2 client credentials need settings, an HTTP client and a clock");
        }
        this.settings = settings;
        this.http = http;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<GeneratedCredential> generate() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (settings.scope() != null && !settings.scope().isBlank()) {
            form.put("scope", settings.scope());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.tokenUrl())
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (settings.authentication() == ClientAuthentication.BASIC) {
            String pair = encode(settings.clientId()) + ":" + encode(settings.clientSecret().value());
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            form.put("client_id", settings.clientId());
            form.put("client_secret", settings.clientSecret().value());
        }
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        request.POST(HttpRequest.BodyPublishers.ofString(body));
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                // The HTTP client's own exceptions name the URL at most; rewrap to be sure.
                .handle((response, error) -> {
                    if (error != null) {
                        throw TokenEndpointAnswers.noAnswer(describe(), error);
                    }
                    return parse(response);
                });
    }

    private GeneratedCredential parse(HttpResponse<String> response) {
        JsonNode json = TokenEndpointAnswers.readJson(response.body());
        if (response.statusCode() / 100 != 2) {
            String code = json == null ? null : json.path("error").asText(null);
            throw new CredentialRequestFailedException(describe() + " answered HTTP " + response.statusCode()
                    + (code != null && SAFE_ERROR_CODE.matcher(code).matches() ? " (" + code + ")" : ""));
        }
        String token = json == null ? null : json.path("access_token").asText(null);
        if (token == null || token.isBlank()) {
            throw new CredentialRequestFailedException(describe() + " answered without an access_token");
        }
        JsonNode expiresIn = json.path("expires_in");
        Duration lifetime = expiresIn.canConvertToLong() && expiresIn.asLong() > 0
                ? Duration.ofSeconds(expiresIn.asLong())
                : DEFAULT_LIFETIME;
        return new GeneratedCredential(Secret.of(token), Instant.ofEpochMilli(clock.wallMillis()).plus(lifetime));
    }

    private String describe() {
        return "oauth2 token request to " + settings.tokenUrl() + " for client '" + settings.clientId() + "'";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A token request failed; the message is safe to log. */
    public static final class CredentialRequestFailedException extends RuntimeException {
        public CredentialRequestFailedException(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public String toString() {
        return "OAuth2ClientCredentials[" + settings.tokenUrl() + ", client " + settings.clientId() + "]";
    }
}

package dev.rlproxy.core.config;

import java.net.URI;
import java.time.Duration;

/**
 * OAuth2 client-credentials token source.
 *
 * @param refreshBefore fetch a new token this long before the current one expires (default 60s)
 */
public record OAuth2Config(URI tokenUrl, String clientId, String clientSecret, String scope, Duration refreshBefore) {

    public static final Duration DEFAULT_REFRESH_BEFORE = Duration.ofSeconds(60);

    public OAuth2Config {
        scope = scope == null ? "" : scope.strip();
        refreshBefore = refreshBefore == null ? DEFAULT_REFRESH_BEFORE : refreshBefore;
        Violations v = new Violations();
        String urlProblem = HttpUrls.problem(tokenUrl);
        v.check(urlProblem == null, "tokenUrl", urlProblem);
        v.check(clientId != null && !clientId.isBlank(), "clientId", "required");
        v.check(clientSecret != null && !clientSecret.isBlank(), "clientSecret",
                "required (is its environment variable empty?)");
        v.check(!refreshBefore.isNegative(), "refreshBefore", "must not be negative");
        v.throwIfAny();
    }

    @Override
    public String toString() {
        return "OAuth2Config[tokenUrl=" + tokenUrl + ", clientId=" + clientId + ", clientSecret=***, scope="
                + scope + ", refreshBefore=" + refreshBefore + "]";
    }
}

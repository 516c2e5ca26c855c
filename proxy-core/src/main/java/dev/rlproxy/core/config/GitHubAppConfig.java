package dev.rlproxy.core.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.rlproxy.core.tokens.RsaSigningKey;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * GitHub App installation tokens: one pool entry per installation, each with its own quota.
 * The private key is read and checked when the configuration is loaded, so a wrong file fails
 * {@code validate} at its line, not the first request.
 *
 * @param appId          the App's numeric id or its client id ({@code Iv1.…}): the JWT issuer
 * @param privateKeyFile the App's private key, read from this PEM file (relative to the config file's folder)
 * @param privateKey     or the PEM text itself, normally {@code ${GITHUB_APP_KEY}}; exactly one of the two
 * @param installations  installation ids, one pool entry each
 * @param apiUrl         REST API base; absent means the upstream's own {@code url}
 * @param refreshBefore  fetch a new token this long before the current one expires (default 5m; tokens live 1h)
 */
public record GitHubAppConfig(String appId,
                              @JsonDeserialize(using = PrivateKeyFileDeserializer.class) RsaSigningKey privateKeyFile,
                              RsaSigningKey privateKey, List<Long> installations, URI apiUrl,
                              Duration refreshBefore) {

    public static final Duration DEFAULT_REFRESH_BEFORE = Duration.ofMinutes(5);
    private static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    public GitHubAppConfig {
        appId = appId == null ? null : appId.strip();
        installations = installations == null ? List.of() : installations;
        refreshBefore = refreshBefore == null ? DEFAULT_REFRESH_BEFORE : refreshBefore;
        Violations v = new Violations();
        v.check(appId != null && APP_ID.matcher(appId).matches(), "appId",
                "required: the App's numeric id (or its client id), like 12345");
        v.check(privateKeyFile != null || privateKey != null, "privateKeyFile",
                "required: the App's private key file (or privateKey with the PEM text, like \"${GITHUB_APP_KEY}\")");
        v.check(privateKeyFile == null || privateKey == null, "privateKey",
                "give privateKeyFile or privateKey, not both");
        if (v.check(!installations.isEmpty(), "installations", "at least one installation id is required, like [111]")) {
            Map<Long, Integer> firstIndex = new HashMap<>();
            for (int i = 0; i < installations.size(); i++) {
                Long id = installations.get(i);
                String key = "installations[" + i + "]";
                if (v.check(id != null && id >= 1, key, "must be an installation id (a whole number >= 1)")) {
                    Integer earlier = firstIndex.putIfAbsent(id, i);
                    v.check(earlier == null, key, "same installation as installations[" + earlier + "]");
                }
            }
        }
        String urlProblem = apiUrl == null ? null : HttpUrls.problem(apiUrl);
        v.check(urlProblem == null, "apiUrl", urlProblem);
        v.check(!refreshBefore.isNegative(), "refreshBefore", "must not be negative");
        v.throwIfAny();
        installations = List.copyOf(installations);
    }

    /** The key from whichever of {@code privateKeyFile} and {@code privateKey} was given. */
    public RsaSigningKey signingKey() {
        return privateKeyFile != null ? privateKeyFile : privateKey;
    }

    /** Where tokens are requested: {@code apiUrl}, or the upstream's own URL when it is absent. */
    public URI apiUrlOr(URI upstreamUrl) {
        return apiUrl != null ? apiUrl : upstreamUrl;
    }
}

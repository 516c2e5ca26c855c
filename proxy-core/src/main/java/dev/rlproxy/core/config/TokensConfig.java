package dev.rlproxy.core.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The token pool of one upstream. At least one source (static, file, oauth2, githubApp, command) is required.
 * {@link #toString()} shows how many tokens there are, never the tokens.
 *
 * @param inject        how a token is attached (default {@code Authorization: Bearer {token}})
 * @param staticTokens  YAML key {@code static}: literal tokens, usually {@code ${ENV_VARS}}
 * @param file          a file with one token per line; a relative path is resolved against the
 *                      config file's folder
 * @param oauth2        client-credentials source
 * @param githubApp     GitHub App installation tokens, one pool entry per installation
 * @param command       a token printed by a command
 * @param defaultLimit  requests per token assumed until the upstream's headers say otherwise (optional)
 * @param resetInterval how often that assumed limit refills (default 1h)
 */
public record TokensConfig(InjectConfig inject, @JsonProperty("static") List<String> staticTokens, Path file,
                           OAuth2Config oauth2, GitHubAppConfig githubApp, CommandConfig command,
                           Long defaultLimit, Duration resetInterval) {

    public static final Duration DEFAULT_RESET_INTERVAL = Duration.ofHours(1);

    public TokensConfig {
        inject = inject == null ? InjectConfig.defaults() : inject;
        resetInterval = resetInterval == null ? DEFAULT_RESET_INTERVAL : resetInterval;
        Violations v = new Violations();
        staticTokens = checkedTokens(staticTokens, v);
        v.check(!staticTokens.isEmpty() || file != null || oauth2 != null || githubApp != null || command != null, "",
                "needs at least one token source: static, file, oauth2, githubApp or command"
                        + " (or remove the tokens section)");
        v.check(defaultLimit == null || defaultLimit >= 1, "defaultLimit", "must be at least 1, was " + defaultLimit);
        v.check(Durations.isPositive(resetInterval), "resetInterval", "must be positive");
        v.throwIfAny();
    }

    /** Strips each token and rejects blanks and repeats, naming positions only, never values. */
    private static List<String> checkedTokens(List<String> tokens, Violations v) {
        if (tokens == null) {
            return List.of();
        }
        List<String> stripped = new ArrayList<>(tokens.size());
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i) == null ? "" : tokens.get(i).strip();
            String key = "static[" + i + "]";
            if (v.check(!token.isEmpty(), key, "token is blank (is its environment variable empty?)")) {
                Integer earlier = firstIndex.putIfAbsent(token, i);
                v.check(earlier == null, key, "same token as static[" + earlier + "]");
            }
            stripped.add(token);
        }
        return List.copyOf(stripped);
    }

    @Override
    public String toString() {
        return "TokensConfig[inject=" + inject + ", static=" + staticTokens.size() + " token(s) ***, file=" + file
                + ", oauth2=" + oauth2 + ", githubApp=" + githubApp + ", command=" + command
                + ", defaultLimit=" + defaultLimit + ", resetInterval=" + resetInterval + "]";
    }
}

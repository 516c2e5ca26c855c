package dev.rlproxy.core.tokens;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Collectors;

/** Tokens written in the configuration; they never change while the source runs. */
final class StaticTokenSource implements TokenSource {

    private final List<TokenCredential> credentials;
    private final String key;

    StaticTokenSource(List<Secret> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("a static token source needs at least one token");
        }
        this.credentials = new LinkedHashSet<>(secrets).stream().map(TokenCredential::fixed).toList();
        this.key = credentials.stream().map(TokenCredential::fingerprint).sorted()
                .collect(Collectors.joining(",", "static:", ""));
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public void start(Listener listener) {
        listener.credentialsChanged(credentials);
    }

    @Override
    public void stop() {
        // Nothing runs in the background.
    }

    @Override
    public String toString() {
        return key;
    }
}

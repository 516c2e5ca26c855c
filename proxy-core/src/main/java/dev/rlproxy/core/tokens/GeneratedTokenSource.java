package dev.rlproxy.core.tokens;

import java.util.List;

/** One pool entry backed by a {@link RefreshingCredential}; PENDING until its first token arrives. */
final class GeneratedTokenSource implements TokenSource {

    private final RefreshingCredential credential;

    GeneratedTokenSource(RefreshingCredential credential) {
        if (credential == null) {
            throw new IllegalArgumentException("a generated token source needs a credential");
        }
        this.credential = credential;
    }

    @Override
    public String key() {
        return "generated:" + credential.fingerprint();
    }

    @Override
    public void start(Listener listener) {
        List<TokenCredential> entry = List.of(credential);
        // Every new token may complete checkouts that wait for this entry.
        credential.onChange(() -> listener.credentialsChanged(entry));
        listener.credentialsChanged(entry);
        credential.start();
    }

    @Override
    public void stop() {
        credential.stop();
    }

    @Override
    public String toString() {
        return key();
    }
}

package dev.rlproxy.core.tokens;

import dev.rlproxy.core.time.Scheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where a pool's tokens come from: fixed values, a file, or a generator. A source reports its
 * current credentials to a listener when started and again whenever they change.
 */
public interface TokenSource {

    /**
     * Identity across config reloads: {@link TokenPool#reconcile} keeps a running source whose key is
     * configured again and starts or stops only the sources that really changed. Never a secret.
     */
    String key();

    /** Starts reporting; the listener hears the current credentials soon after and on every change. */
    void start(Listener listener);

    /** Stops reporting (and any background work). */
    void stop();

    @FunctionalInterface
    interface Listener {
        void credentialsChanged(List<TokenCredential> credentials);
    }

    /** Fixed tokens, e.g. from {@code tokens.static} in the config. */
    static TokenSource staticValues(List<String> tokens) {
        return new StaticTokenSource(tokens.stream().map(Secret::of).toList());
    }

    /** One token per line of {@code file}, re-read when its modification time changes. */
    static TokenSource file(Path file, Duration pollInterval, Scheduler scheduler) {
        return new TokenFileSource(file, pollInterval, scheduler, TokenFileSource.LOGGED);
    }

    /** One pool entry whose token a {@link RefreshingCredential} keeps fresh. */
    static TokenSource generated(RefreshingCredential credential) {
        return new GeneratedTokenSource(credential);
    }
}

package dev.rlproxy.core.tokens;

import java.util.concurrent.CompletableFuture;

/**
 * Anything that can mint a fresh token and say when it expires: OAuth2 client credentials
 * ({@link OAuth2ClientCredentials}), a GitHub App installation ({@link GitHubAppInstallationTokens}),
 * a command ({@link CommandCredentials}). Must not block the caller: do the work asynchronously and complete the future later.
 * A failure's message must not contain the token or any client secret.
 */
@FunctionalInterface
public interface CredentialGenerator {

    CompletableFuture<GeneratedCredential> generate();
}

package dev.rlproxy.core.tokens;

/**
 * Extension point: GitHub App installation tokens, which give each installation its own quota
 * (5,000 to 15,000 calls an hour) without any personal token.
 *
 * <p>An implementation
 * <ol>
 *   <li>signs a JWT with the App's private key (RS256; {@code iss} = the App id, {@code iat} 60 s in
 *       the past to allow for clock drift, {@code exp} at most 10 minutes ahead);</li>
 *   <li>sends {@code POST https://api.github.com/app/installations/{installationId}/access_tokens}
 *       with {@code Authorization: Bearer <jwt>} and {@code Accept: application/vnd.github+json},
 *       asynchronously ({@code HttpClient.sendAsync}, as {@link OAuth2ClientCredentials} does);</li>
 *   <li>reads {@code token} and {@code expires_at} (ISO-8601, one hour ahead) from the 201 answer into
 *       a {@link GeneratedCredential}.</li>
 * </ol>
 * Wrapped in a {@link RefreshingCredential} (with e.g. {@code refreshBefore} = 5 minutes) and added
 * to a pool with {@link TokenSource#generated}, each installation becomes one pool entry. The private
 * key is a secret like any other: hold it in a {@link Secret}-like wrapper and never log it.
 */
public interface GitHubAppInstallationTokens extends CredentialGenerator {

    /** The GitHub App's numeric id (the JWT issuer). */
    long appId();

    /** The installation whose token this generator mints. */
    long installationId();
}

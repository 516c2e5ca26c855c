package dev.rlproxy.core.tokens;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;

/**
 * The JSON Web Token a GitHub App authenticates as itself with: RS256, signed with the JDK's own
 * {@link Signature}. {@code iat} is back-dated 60 s for clock drift and {@code exp} is 10 minutes
 * after {@code iat} (9 minutes ahead), inside GitHub's 10-minute maximum.
 */
final class GitHubAppJwt {

    static final long BACKDATE_SECONDS = 60;
    static final long LIFETIME_SECONDS = 600;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER = encode("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");

    private GitHubAppJwt() {
    }

    /**
     * @param issuer     the App's numeric id or client id
     * @param nowSeconds the current time, epoch seconds, as GitHub's clock sees it
     */
    static String sign(RsaSigningKey key, String issuer, long nowSeconds) {
        long issuedAt = nowSeconds - BACKDATE_SECONDS;
        // The issuer is validated as [A-Za-z0-9._-]: nothing in it needs JSON escaping.
        String claims = "{\"iat\":" + issuedAt + ",\"exp\":" + (issuedAt + LIFETIME_SECONDS)
                + ",\"iss\":\"" + issuer + "\"}";
        String signingInput = HEADER + "." + encode(claims);
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key.key());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + BASE64URL.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            // Only the exception's class: its message could describe the key.
            throw new IllegalStateException("cannot sign the GitHub App JWT: " + e.getClass().getSimpleName());
        }
    }

    private static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}

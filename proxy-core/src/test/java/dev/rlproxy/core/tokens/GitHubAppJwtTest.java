package dev.rlproxy.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The App JWT: RS256 over header.claims, verifiable with the App's public key, claims as GitHub asks. */
class GitHubAppJwtTest {

    private static final TestKeys KEYS = TestKeys.generate();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void isSignedRs256WithBackDatedIssueTimeAndATenMinuteLifetime() throws Exception {
        long now = 1_767_225_600L;
        String jwt = GitHubAppJwt.sign(RsaSigningKey.fromPem(KEYS.pkcs1Pem()), "12345", now);

        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        JsonNode header = decode(parts[0]);
        JsonNode claims = decode(parts[1]);
        assertThat(header.get("alg").asText()).isEqualTo("RS256");
        assertThat(header.get("typ").asText()).isEqualTo("JWT");
        assertThat(claims.get("iss").asText()).isEqualTo("12345");
        assertThat(claims.get("iat").asLong()).isEqualTo(now - 60);
        assertThat(claims.get("exp").asLong()).isEqualTo(now - 60 + 600)
                .isLessThanOrEqualTo(now + 600);
        assertThat(parts[2]).doesNotContain("=", "+", "/");

        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(KEYS.publicKey);
        rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rs256.verify(Base64.getUrlDecoder().decode(parts[2]))).as("signature verifies").isTrue();

        Signature other = Signature.getInstance("SHA256withRSA");
        other.initVerify(TestKeys.generate().publicKey);
        other.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(other.verify(Base64.getUrlDecoder().decode(parts[2]))).as("not with another key").isFalse();
    }

    @Test
    void takesAClientIdAsIssuer() throws Exception {
        String jwt = GitHubAppJwt.sign(RsaSigningKey.of(KEYS.privateKey), "Iv23liAbC.def", 1000);
        assertThat(decode(jwt.split("\\.")[1]).get("iss").asText()).isEqualTo("Iv23liAbC.def");
    }

    private static JsonNode decode(String part) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(part));
    }
}

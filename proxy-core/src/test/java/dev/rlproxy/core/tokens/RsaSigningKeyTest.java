package dev.rlproxy.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** PKCS#1 and PKCS#8 PEM read with the JDK alone; every refusal describes the text, never quotes it. */
class RsaSigningKeyTest {

    private static final TestKeys KEYS = TestKeys.generate();

    @Test
    void readsPkcs8AndPkcs1ToTheSameKey() {
        RsaSigningKey pkcs8 = RsaSigningKey.fromPem(KEYS.pkcs8Pem());
        RsaSigningKey pkcs1 = RsaSigningKey.fromPem(KEYS.pkcs1Pem());

        assertThat(pkcs1.key().getEncoded()).isEqualTo(KEYS.privateKey.getEncoded());
        assertThat(pkcs8).isEqualTo(pkcs1).hasSameHashCodeAs(pkcs1);
        assertThat(pkcs1.key().getModulus()).isEqualTo(KEYS.publicKey.getModulus());
    }

    @Test
    void readsAKeyWithTextAroundItOrSqueezedOntoOneLine() {
        String withNoise = "Bag Attributes\n  friendlyName: app\n" + KEYS.pkcs1Pem() + "trailing words\n";
        String oneLine = KEYS.pkcs8Pem().replace("\n", "\\n");

        assertThat(RsaSigningKey.fromPem(withNoise).key()).isEqualTo(KEYS.privateKey);
        assertThat(RsaSigningKey.fromPem(oneLine).key()).isEqualTo(KEYS.privateKey);
    }

    @Test
    void showsOnlySizeAndFingerprint() {
        RsaSigningKey key = RsaSigningKey.fromPem(KEYS.pkcs1Pem());

        assertThat(key.toString()).matches("RSA private key \\(2048 bits, sha256:[0-9a-f]{8}\\)")
                .doesNotContain(KEYS.privateKey.getPrivateExponent().toString())
                .doesNotContain(KEYS.privateKey.getModulus().toString());
    }

    @Test
    void refusesWhatIsNoRsaPrivateKeyWithAMessageThatQuotesNothing() {
        String body = Base64.getEncoder().encodeToString(KEYS.privateKey.getEncoded()).substring(0, 40);
        String ec = TestKeys.pem("PRIVATE KEY", TestKeys.pair("EC", 256).getPrivate().getEncoded());
        String ed = TestKeys.pem("PRIVATE KEY", TestKeys.pair("Ed25519", 0).getPrivate().getEncoded());

        assertRefused("", "the private key is empty");
        assertRefused("just some text " + body, "not a PEM private key");
        assertRefused(TestKeys.pem("PUBLIC KEY", KEYS.publicKey.getEncoded()), "the PEM block is a PUBLIC KEY, not a private key");
        assertRefused(TestKeys.pem("CERTIFICATE", new byte[] {1, 2, 3}), "the PEM block is a CERTIFICATE");
        assertRefused(TestKeys.pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}), "the private key is encrypted");
        assertRefused(TestKeys.pem("EC PRIVATE KEY", new byte[] {1, 2, 3}), "the key is an EC key");
        assertRefused(ec, "the key is an EC key; a GitHub App private key is RSA");
        assertRefused(ed, "the key is an Ed25519 key");
        assertRefused("-----BEGIN RSA PRIVATE KEY-----\n" + body + "!!\n-----END RSA PRIVATE KEY-----",
                "the PEM block is not valid base64");
        assertRefused(TestKeys.pem("RSA PRIVATE KEY", Base64.getDecoder().decode(body)),
                "does not hold a valid RSA private key");
    }

    private static void assertRefused(String pem, String message) {
        String quoted = pem.length() > 60 ? pem.substring(30, 60) : "\u0000";
        assertThatThrownBy(() -> RsaSigningKey.fromPem(pem)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(quoted));
    }
}

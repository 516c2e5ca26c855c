package dev.rlproxy.server.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PemFilesTest {

    private static final TestPki.Issued CA = TestPki.ca("Test CA");
    private static final TestPki.Issued SERVER = TestPki.server(CA, "localhost", "127.0.0.1");

    @TempDir
    Path dir;

    @Test
    void readsPkcs8AndPkcs1RsaKeysAsTheSameKey() throws Exception {
        Path pkcs8 = TestPki.writePkcs8Key(dir.resolve("key8.pem"), SERVER.keys().getPrivate());
        Path pkcs1 = TestPki.writePkcs1Key(dir.resolve("key1.pem"), SERVER.keys().getPrivate());
        assertThat(Files.readString(pkcs1)).contains("BEGIN RSA PRIVATE KEY");

        PrivateKey fromPkcs8 = PemFiles.privateKey(pkcs8);
        PrivateKey fromPkcs1 = PemFiles.privateKey(pkcs1);

        assertThat(fromPkcs8.getEncoded()).isEqualTo(SERVER.keys().getPrivate().getEncoded());
        assertThat(fromPkcs1.getEncoded()).isEqualTo(SERVER.keys().getPrivate().getEncoded());
    }

    @Test
    void readsPkcs8EcKeys() {
        TestPki.Issued client = TestPki.client(CA, "client");
        Path key = TestPki.writePkcs8Key(dir.resolve("ec.pem"), client.keys().getPrivate());

        assertThat(PemFiles.privateKey(key).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void readsAChainLeafFirst() {
        Path chain = TestPki.writeCertificates(dir.resolve("chain.pem"), SERVER.certificate(), CA.certificate());

        assertThat(PemFiles.certificates(chain)).containsExactly(SERVER.certificate(), CA.certificate());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedNamingBothFiles() {
        Path cert = TestPki.writeCertificates(dir.resolve("cert.pem"), SERVER.certificate());
        Path otherKey = TestPki.writePkcs8Key(dir.resolve("other.pem"),
                TestPki.server(CA, "localhost").keys().getPrivate());

        assertThatThrownBy(() -> PemFiles.checkPair(SERVER.certificate(), PemFiles.privateKey(otherKey), cert, otherKey))
                .isInstanceOf(TlsFileException.class)
                .hasMessage(otherKey + " does not hold the private key of the first certificate in " + cert);
    }

    @Test
    void unusableFilesAreNamedWithoutTheirContent() throws Exception {
        Path encrypted = Files.writeString(dir.resolve("enc.pem"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nc2VjcmV0\n-----END ENCRYPTED PRIVATE KEY-----\n");
        Path notPem = Files.writeString(dir.resolve("junk.pem"), "secret-looking text");

        assertThatThrownBy(() -> PemFiles.privateKey(encrypted)).hasMessageStartingWith(encrypted + ": the private key is encrypted");
        assertThatThrownBy(() -> PemFiles.privateKey(notPem)).hasMessageStartingWith(notPem + ": no -----BEGIN PRIVATE KEY")
                .message().doesNotContain("secret-looking");
        assertThatThrownBy(() -> PemFiles.certificates(notPem)).hasMessage(notPem + ": no -----BEGIN CERTIFICATE----- block");
    }
}

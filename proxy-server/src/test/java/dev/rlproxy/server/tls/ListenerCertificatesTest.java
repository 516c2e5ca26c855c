package dev.rlproxy.server.tls;

import dev.rlproxy.core.config.ListenerTlsConfig;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ListenerCertificatesTest {

    private static final TestPki.Issued CA = TestPki.ca("Rotation CA");

    @TempDir
    Path dir;
    private int writes;

    @Test
    void aChangedPairIsServedAfterTheNextPollAndABrokenOneKeepsThePrevious() throws Exception {
        TestPki.Issued first = TestPki.server(CA, "localhost");
        TestPki.Issued second = TestPki.server(CA, "localhost");
        ListenerTlsConfig config = install(first, first);
        ListenerCertificates certificates = ListenerCertificates.load("server.tls", config);
        ManualScheduler scheduler = new ManualScheduler(new ManualClock());
        certificates.watch(scheduler, Duration.ofSeconds(5));
        String chosen = certificates.keyManager().chooseServerAlias("RSA", null, null);

        install(second, first); // certificate written, key not yet
        scheduler.advanceNanos(Duration.ofSeconds(5).toNanos());
        assertThat(certificates.certificate()).isEqualTo(first.certificate());

        install(second, second);
        scheduler.advanceNanos(Duration.ofSeconds(5).toNanos());
        assertThat(certificates.certificate()).isEqualTo(second.certificate());
        assertThat(certificates.keyManager().getCertificateChain(chosen)[0])
                .as("a handshake that chose its alias before the rotation keeps that certificate")
                .isEqualTo(first.certificate());
        String now = certificates.keyManager().chooseServerAlias("RSA", null, null);
        assertThat(certificates.keyManager().getCertificateChain(now)[0]).isEqualTo(second.certificate());
        assertThat(certificates.keyManager().getPrivateKey(now)).isEqualTo(second.keys().getPrivate());
        assertThat(certificates.reloadIfChanged()).as("nothing changed since").isFalse();
    }

    @Test
    void aPairThatDoesNotMatchIsRefusedAtStart() {
        TestPki.Issued one = TestPki.server(CA, "localhost");
        TestPki.Issued other = TestPki.server(CA, "localhost");

        assertThatThrownBy(() -> ListenerCertificates.load("server.tls", install(one, other)))
                .isInstanceOf(TlsFileException.class).hasMessageContaining("does not hold the private key");
    }

    private ListenerTlsConfig install(TestPki.Issued certificate, TestPki.Issued key) throws Exception {
        Path cert = TestPki.writeCertificates(dir.resolve("tls.crt"), certificate.certificate());
        Path keyFile = TestPki.writePkcs8Key(dir.resolve("tls.key"), key.keys().getPrivate());
        writes++;
        Files.setLastModifiedTime(cert, FileTime.fromMillis(writes * 1000L));
        Files.setLastModifiedTime(keyFile, FileTime.fromMillis(writes * 1000L));
        return new ListenerTlsConfig(cert, keyFile, null);
    }
}

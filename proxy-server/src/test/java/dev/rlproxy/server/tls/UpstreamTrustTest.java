package dev.rlproxy.server.tls;

import dev.rlproxy.core.config.TrustMode;
import dev.rlproxy.core.config.UpstreamTlsConfig;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamTrustTest {

    private static final TestPki.Issued CA = TestPki.ca("Corp Private CA");
    private static final TestPki.Issued SERVER = TestPki.server(CA, "localhost");

    @TempDir
    Path dir;

    @Test
    void theContextsWithAndWithoutHttp2TrustTheCasOfOneReadingOfTheCaFile() throws Exception {
        Path caFile = TestPki.writeCertificates(dir.resolve("corp-ca.pem"), CA.certificate());
        UpstreamTlsConfig tls = new UpstreamTlsConfig(caFile, null, TrustMode.REPLACE);
        UpstreamTrust trust = UpstreamTrust.of("api", tls);

        TestPki.writeCertificates(caFile, TestPki.ca("Another CA").certificate());

        assertThat(handshakes(trust.context(false))).isTrue();
        assertThat(handshakes(trust.context(true))).as("the h2 context trusts what the first one does").isTrue();
        assertThat(handshakes(UpstreamTrust.of("api", tls).context(false))).as("read again: another CA only")
                .isFalse();
    }

    /** Whether a client of {@code context} completes a handshake with a server presenting {@link #SERVER}. */
    private static boolean handshakes(SslContext context) throws IOException {
        try (SSLServerSocket listening = (SSLServerSocket) TestPki.serverContext(SERVER).getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket accepted = listening.accept()) {
                    ((SSLSocket) accepted).startHandshake();
                } catch (IOException refusedByTheClient) {
                    // the client's verdict is the one asserted
                }
            });
            try (SSLSocket client = (SSLSocket) ((JdkSslContext) context).context().getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listening.getLocalPort())) {
                client.startHandshake();
                return true;
            } catch (SSLHandshakeException refused) {
                return false;
            } finally {
                served.join();
            }
        }
    }
}

package dev.rlproxy.server.it;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.rlproxy.core.config.ConfigLoader;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.server.ProxyApplication;
import dev.rlproxy.server.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Clients speaking TLS to the proxy's listener: real sockets, certificates made by the test. */
class ListenerTlsIntegrationTest {

    private static final TestPki.Issued CA = TestPki.ca("Listener Test CA");

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private final ManualScheduler filePolls = new ManualScheduler(clock);
    private WireMockServer upstream;
    private ProxyApplication proxy;
    private Path certFile;
    private Path keyFile;
    private int installs;

    @BeforeEach
    void startUpstream() {
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("hello")));
        certFile = dir.resolve("cert.pem");
        keyFile = dir.resolve("key.pem");
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        upstream.stop();
    }

    @Test
    void aClientTrustingTheCaGetsTheUpstreamsAnswerOverTls() throws Exception {
        TestPki.Issued server = install(TestPki.server(CA, "localhost", "127.0.0.1"), true);
        start(null);

        HttpResponse<String> response = get(TestPki.clientContext(CA.certificate(), null));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");
        assertThat(response.sslSession().orElseThrow().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        assertThat(response.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(server.certificate());
    }

    @Test
    void curlGetsTheAnswerWithTheCaFile() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        install(TestPki.server(CA, "localhost"), false);
        Path caFile = TestPki.writeCertificates(dir.resolve("ca.pem"), CA.certificate());
        start(null);

        Process curl = new ProcessBuilder("/usr/bin/curl", "-sS", "--cacert", caFile.toString(),
                "https://localhost:" + proxy.port() + "/api/x").redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(curl.waitFor()).as(output).isZero();
        assertThat(output).isEqualTo("hello");
    }

    @Test
    void aRotatedCertificateIsServedToNewConnectionsWithoutARestart() throws Exception {
        TestPki.Issued first = install(TestPki.server(CA, "localhost"), true);
        start(null);
        assertThat(peerCertificate()).isEqualTo(first.certificate());

        TestPki.Issued second = install(TestPki.server(CA, "localhost"), false); // PKCS#1 this time
        assertThat(peerCertificate()).as("not re-read before the poll").isEqualTo(first.certificate());
        filePolls.advanceNanos(ProxyApplication.CERTIFICATE_POLL.toNanos());

        assertThat(peerCertificate()).isEqualTo(second.certificate());
    }

    @Test
    void aBrokenRotationKeepsServingThePreviousCertificate() throws Exception {
        TestPki.Issued first = install(TestPki.server(CA, "localhost"), true);
        start(null);
        // a new certificate whose key has not been written yet
        TestPki.writeCertificates(certFile, TestPki.server(CA, "localhost").certificate());
        filePolls.advanceNanos(ProxyApplication.CERTIFICATE_POLL.toNanos());

        assertThat(peerCertificate()).isEqualTo(first.certificate());
    }

    @Test
    void mutualTlsRefusesAClientWithoutACertificateAndServesOneWithIt() throws Exception {
        install(TestPki.server(CA, "localhost"), true);
        TestPki.Issued clientCa = TestPki.ca("Client CA");
        start(TestPki.writeCertificates(dir.resolve("clients.pem"), clientCa.certificate()));

        assertThatThrownBy(() -> get(TestPki.clientContext(CA.certificate(), null))).isInstanceOf(IOException.class);
        TestPki.Issued strangerCa = TestPki.ca("Other CA");
        assertThatThrownBy(() -> get(TestPki.clientContext(CA.certificate(), TestPki.client(strangerCa, "stranger"))))
                .isInstanceOf(IOException.class);
        assertThat(upstream.getAllServeEvents()).as("no refused client reached the upstream").isEmpty();

        HttpResponse<String> response = get(TestPki.clientContext(CA.certificate(), TestPki.client(clientCa, "svc")));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");
    }

    /** Writes the certificate and its key (PKCS#8 or PKCS#1) to the files the listener reads. */
    private TestPki.Issued install(TestPki.Issued server, boolean pkcs8) throws IOException {
        TestPki.writeCertificates(certFile, server.certificate(), CA.certificate());
        if (pkcs8) {
            TestPki.writePkcs8Key(keyFile, server.keys().getPrivate());
        } else {
            TestPki.writePkcs1Key(keyFile, server.keys().getPrivate());
        }
        // the poll compares modification times: give each install its own, however fast the writes
        installs++;
        Files.setLastModifiedTime(certFile, FileTime.fromMillis(installs * 1000L));
        return server;
    }

    private void start(Path clientCaFile) throws Exception {
        Path config = Files.writeString(dir.resolve("proxy.yaml"), """
                server:
                  listen: "127.0.0.1:0"
                  tls: { certFile: cert.pem, keyFile: key.pem%s }
                upstreams:
                  api: { url: "http://127.0.0.1:%d" }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(clientCaFile == null ? "" : ", clientCaFile: " + clientCaFile.getFileName(),
                upstream.port()));
        proxy = ProxyApplication.start(ConfigLoader.load(config, Map.of()), Clock.system(), filePolls, Map.of());
    }

    /** With a client context of its own: no session to resume, so a full handshake. */
    private X509Certificate peerCertificate() throws Exception {
        return (X509Certificate) get(TestPki.clientContext(CA.certificate(), null)).sslSession().orElseThrow()
                .getPeerCertificates()[0];
    }

    /** A new client each time: a new connection. */
    private HttpResponse<String> get(SSLContext context) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + proxy.port() + "/api/x"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

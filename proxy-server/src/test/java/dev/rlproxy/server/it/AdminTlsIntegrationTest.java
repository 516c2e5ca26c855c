package dev.rlproxy.server.it;

import dev.rlproxy.core.config.AdminConfig;
import dev.rlproxy.core.config.HostPort;
import dev.rlproxy.core.config.ListenerTlsConfig;
import dev.rlproxy.server.admin.AdminServer;
import dev.rlproxy.server.tls.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin listener over TLS with client certificates: scrapers and probes must present one. */
class AdminTlsIntegrationTest {

    @TempDir
    Path dir;

    @Test
    void servesOverTlsOnlyToClientsWithACertificateOfTheClientCa() throws Exception {
        TestPki.Issued ca = TestPki.ca("Admin CA");
        TestPki.Issued server = TestPki.server(ca, "localhost");
        TestPki.Issued clientCa = TestPki.ca("Scraper CA");
        ListenerTlsConfig tls = new ListenerTlsConfig(
                TestPki.writeCertificates(dir.resolve("admin.crt"), server.certificate()),
                TestPki.writePkcs1Key(dir.resolve("admin.key"), server.keys().getPrivate()),
                TestPki.writeCertificates(dir.resolve("scrapers.pem"), clientCa.certificate()));
        try (RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                upstreams:
                  api: { url: "http://127.0.0.1:9" }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """);
             AdminServer admin = AdminServer.start(new AdminConfig(new HostPort("127.0.0.1", 0), "", tls),
                     proxy.app, null)) {
            URI healthz = URI.create("https://localhost:" + admin.port() + "/healthz");

            HttpResponse<String> response = get(TestPki.clientContext(ca.certificate(),
                    TestPki.client(clientCa, "prometheus")), healthz);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"status\":\"up\"}");
            assertThat(response.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(server.certificate());
            assertThatThrownBy(() -> get(TestPki.clientContext(ca.certificate(), null), healthz))
                    .isInstanceOf(IOException.class);
        }
    }

    private static HttpResponse<String> get(SSLContext context, URI uri) throws Exception {
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}

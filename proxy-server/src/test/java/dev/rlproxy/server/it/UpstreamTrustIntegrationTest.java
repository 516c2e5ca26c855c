package dev.rlproxy.server.it;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.rlproxy.server.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An https upstream whose certificate a private CA signed: trusted only with {@code tls.caFile},
 * names verified always, failures explained.
 */
class UpstreamTrustIntegrationTest {

    private static final TestPki.Issued PRIVATE_CA = TestPki.ca("Corp Private CA");

    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private ch.qos.logback.classic.Logger root;
    private TlsUpstream upstream;
    private Path caFile;

    @BeforeEach
    void start() throws Exception {
        root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        upstream = new TlsUpstream(TestPki.server(PRIVATE_CA, "localhost", "api.internal"));
        caFile = TestPki.writeCertificates(dir.resolve("corp-ca.pem"), PRIVATE_CA.certificate());
    }

    @AfterEach
    void stop() {
        root.detachAppender(logs);
        upstream.close();
    }

    @Test
    void withoutTheCaFileThePrivatelySignedUpstreamIsRefused() {
        HttpResponse<String> response = getThrough("url: \"https://localhost:%d\"".formatted(upstream.port()));

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).isEqualTo("{\"error\":\"upstream_unreachable\",\"detail\":"
                + "\"upstream 'api': TLS certificate not signed by a trusted CA\"}");
        assertThat(upstream.requests()).isZero();
        assertThat(warnings()).anySatisfy(line -> assertThat(line)
                .contains("the certificate of localhost (CN=localhost, issued by CN=Corp Private CA) is not signed by a CA the proxy trusts")
                .contains("upstreams.api.tls.caFile"));
    }

    @Test
    void withTheCaFileAddedToTheDefaultsItIsTrusted() {
        HttpResponse<String> response = getThrough("url: \"https://localhost:%d\", tls: { caFile: \"%s\" }"
                .formatted(upstream.port(), caFile));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("secure");
    }

    @Test
    void replacingTheTrustWithAnotherCaRefusesIt() {
        Path otherCa = TestPki.writeCertificates(dir.resolve("other.pem"), TestPki.ca("Another CA").certificate());

        assertThat(getThrough("url: \"https://localhost:%d\", tls: { caFile: \"%s\", trust: replace }"
                .formatted(upstream.port(), caFile)).statusCode()).isEqualTo(200);
        assertThat(getThrough("url: \"https://localhost:%d\", tls: { caFile: \"%s\", trust: replace }"
                .formatted(upstream.port(), otherCa)).statusCode()).isEqualTo(502);
        assertThat(warnings()).anySatisfy(line -> assertThat(line).contains("(only the CAs of " + otherCa + ")"));
    }

    @Test
    void aHostNameTheCertificateDoesNotHoldIsRefusedNamingTheCertificatesNames() {
        HttpResponse<String> response = getThrough("url: \"https://127.0.0.1:%d\", tls: { caFile: \"%s\" }"
                .formatted(upstream.port(), caFile));

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("TLS certificate is not for the upstream's host name");
        assertThat(upstream.requests()).isZero();
        assertThat(warnings()).anySatisfy(line -> assertThat(line)
                .contains("host name '127.0.0.1' does not match the certificate's names [localhost, api.internal]")
                .contains("upstreams.api.tls.serverName"));
    }

    @Test
    void serverNameIsSentAndVerifiedInsteadOfTheUrlsHost() {
        HttpResponse<String> response = getThrough(
                "url: \"https://127.0.0.1:%d\", tls: { caFile: \"%s\", serverName: api.internal }"
                        .formatted(upstream.port(), caFile));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("secure");
    }

    private HttpResponse<String> getThrough(String upstreamSettings) {
        try (RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                upstreams:
                  api: { %s }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(upstreamSettings))) {
            return proxy.get("/api/x");
        }
    }

    private java.util.List<String> warnings() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}

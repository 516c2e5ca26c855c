package dev.rlproxy.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rlproxy.core.config.RedisConfig;
import dev.rlproxy.core.config.RedisTlsConfig;
import dev.rlproxy.core.config.TrustMode;
import dev.rlproxy.core.metrics.StoreMetrics;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.server.tls.TestPki;
import dev.rlproxy.server.tls.TlsFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.SafeEncoder;

/**
 * {@code rediss://} against real {@code redis-server} processes listening for TLS with certificates
 * from a throwaway private CA: trust by {@code store.redis.tls.caFile}, hostname verification with
 * and without {@code serverName}, an ACL user over TLS, and a client certificate (mutual TLS).
 */
class RedisTlsTest {

    @TempDir
    Path dir;
    private TestPki.Issued ca;
    private Path caFile;

    @BeforeEach
    void makeCa() {
        ca = TestPki.ca("Redis Test CA");
        caFile = TestPki.writeCertificates(dir.resolve("ca.pem"), ca.certificate());
    }

    @Test
    void anAclUserConnectsOverTlsToAServerSignedByThePrivateCaOfCaFile() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.withTls(serverFiles("127.0.0.1", "localhost"), List.of(
                "--tls-auth-clients", "no", "--requirepass", "default-s3cret",
                "--user", "rlproxy", "on", ">app-s3cret", "~*", "+@all"));
             RedisGateway gateway = gateway(config("rediss://rlproxy:app-s3cret@127.0.0.1:" + redis.tlsPort(),
                     new RedisTlsConfig(caFile, null, TrustMode.REPLACE, null, null)))) {
            assertThat(gateway.call("SET", j -> j.set("over", "tls")).join()).isEqualTo("OK");
            assertThat(gateway.call("ACL WHOAMI", j -> SafeEncoder.encode(
                    (byte[]) j.sendCommand(Protocol.Command.ACL, "WHOAMI"))).join()).isEqualTo("rlproxy");
        }
        try (RedisServerProcess redis = RedisServerProcess.withTls(serverFiles("127.0.0.1"),
                List.of("--tls-auth-clients", "no"));
             RedisGateway plain = gateway(config("redis://127.0.0.1:" + redis.tlsPort(), null))) {
            assertThatThrownBy(() -> plain.call("PING", j -> j.ping()).join())
                    .as("the port the gateway used speaks TLS only").cause()
                    .isInstanceOf(StoreUnavailableException.class);
        }
    }

    @Test
    void withoutCaFileAServerOfAPrivateCaIsRefusedAndTheErrorSaysWhereACaGoes() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.withTls(serverFiles("127.0.0.1"),
                List.of("--tls-auth-clients", "no"));
             RedisGateway gateway = gateway(config("rediss://127.0.0.1:" + redis.tlsPort(), null))) {
            assertThatThrownBy(() -> gateway.call("PING", j -> j.ping()).join())
                    .isInstanceOf(CompletionException.class).cause().isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("is not signed by a CA the proxy trusts")
                    .hasMessageContaining("store.redis.tls.caFile");
            assertThat(gateway.isAvailable()).isFalse();
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefusedUnlessServerNameNamesIt() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.withTls(serverFiles("redis.internal"),
                List.of("--tls-auth-clients", "no"))) {
            String uri = "rediss://127.0.0.1:" + redis.tlsPort();
            try (RedisGateway byAddress = gateway(config(uri, new RedisTlsConfig(caFile, null, null, null, null)))) {
                assertThatThrownBy(() -> byAddress.call("PING", j -> j.ping()).join())
                        .cause().isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("host name '127.0.0.1' does not match the certificate's names "
                                + "[redis.internal] (set store.redis.tls.serverName to the name the certificate is for)");
            }
            try (RedisGateway byName = gateway(config(uri,
                    new RedisTlsConfig(caFile, "redis.internal", null, null, null)))) {
                assertThat(byName.call("PING", j -> j.ping()).join()).isEqualTo("PONG");
            }
        }
    }

    @Test
    void aServerThatRequiresAClientCertificateAcceptsTheOneOfCertFileAndKeyFile() throws Exception {
        TestPki.Issued client = TestPki.client(ca, "rlproxy-replica");
        Path certFile = TestPki.writeCertificates(dir.resolve("client.pem"), client.certificate());
        Path keyFile = TestPki.writePkcs8Key(dir.resolve("client.key"), client.keys().getPrivate());
        try (RedisServerProcess redis = RedisServerProcess.withTls(serverFiles("127.0.0.1"),
                List.of("--tls-auth-clients", "yes"))) {
            String uri = "rediss://127.0.0.1:" + redis.tlsPort();
            try (RedisGateway withoutCertificate = gateway(config(uri,
                    new RedisTlsConfig(caFile, null, null, null, null)))) {
                // With TLS 1.3 the refusal (alert certificate_required) comes after the client's first
                // write, which may meet it or a closed socket first: the message varies, the refusal not.
                assertThatThrownBy(() -> withoutCertificate.call("PING", j -> j.ping()).join())
                        .cause().isInstanceOf(StoreUnavailableException.class);
                assertThat(withoutCertificate.isAvailable()).isFalse();
            }
            try (RedisGateway mutual = gateway(config(uri,
                    new RedisTlsConfig(caFile, null, null, certFile, keyFile)))) {
                assertThat(mutual.call("PING", j -> j.ping()).join()).isEqualTo("PONG");
            }
        }
    }

    @Test
    void aClusterOverTlsIsReachedAtEveryNodeWithTheServerNameOfItsCertificates() throws Exception {
        try (RedisClusterProcesses cluster = RedisClusterProcesses.start(3, serverFiles("redis.internal"));
             RedisGateway gateway = gateway(config(cluster.uri(),
                     new RedisTlsConfig(caFile, "redis.internal", null, null, null)))) {
            assertThat(cluster.uri()).startsWith("rediss-cluster://");
            for (String tag : List.of("a", "b", "c", "d", "e", "f")) {
                String key = "rlproxy:{" + tag + "}:tls";
                assertThat(gateway.call("SET", j -> j.set(key, tag)).join()).isEqualTo("OK");
            }
            assertThat(cluster.keysPerNode()).as("the six tags land on all three nodes, each reached over TLS")
                    .hasSize(3).allSatisfy(keys -> assertThat(keys).isPositive());
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesStopsTheConnectorBeforeAnyConnection() {
        TestPki.Issued client = TestPki.client(ca, "rlproxy-replica");
        TestPki.Issued other = TestPki.client(ca, "someone-else");
        Path certFile = TestPki.writeCertificates(dir.resolve("client.pem"), client.certificate());
        Path keyFile = TestPki.writePkcs8Key(dir.resolve("other.key"), other.keys().getPrivate());
        RedisConfig config = config("rediss://127.0.0.1:1", new RedisTlsConfig(caFile, null, null, certFile, keyFile));
        assertThatThrownBy(() -> RedisClients.connector(config)).isInstanceOf(TlsFileException.class)
                .hasMessageContaining("other.key does not hold the private key");
    }

    private RedisServerProcess.Tls serverFiles(String... names) {
        TestPki.Issued server = TestPki.server(ca, names);
        try {
            Path certFile = TestPki.writeCertificates(Files.createTempFile(dir, "server", ".pem"), server.certificate());
            Path keyFile = TestPki.writePkcs8Key(Files.createTempFile(dir, "server", ".key"),
                    server.keys().getPrivate());
            return new RedisServerProcess.Tls(certFile, keyFile, caFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RedisConfig config(String uri, RedisTlsConfig tls) {
        return new RedisConfig(uri, null, 1, Duration.ofSeconds(2), Duration.ofSeconds(2), 1, null, tls, null);
    }

    private static RedisGateway gateway(RedisConfig config) {
        ManualScheduler scheduler = new ManualScheduler(new ManualClock());
        return new RedisGateway(RedisClients.connector(config), config.redactedUri(), scheduler, 1, 10,
                Duration.ofSeconds(1).toNanos(), StoreMetrics.NONE);
    }
}

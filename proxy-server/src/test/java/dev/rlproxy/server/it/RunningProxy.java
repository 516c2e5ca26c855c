package dev.rlproxy.server.it;

import dev.rlproxy.core.config.ConfigLoader;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.server.ProxyApplication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A real proxy on a free port, started from YAML text, plus an HTTP client pointed at it. */
final class RunningProxy implements AutoCloseable {

    final ProxyApplication app;
    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private RunningProxy(ProxyApplication app) {
        this.app = app;
    }

    static RunningProxy start(String yaml) {
        return start(yaml, Map.of());
    }

    static RunningProxy start(String yaml, Map<String, String> env) {
        return start(yaml, env, System.getenv());
    }

    /** @param processEnvironment what the proxy reads as its environment ({@code egressProxy: env}) */
    static RunningProxy start(String yaml, Map<String, String> env, Map<String, String> processEnvironment) {
        try {
            Path file = Files.createTempFile("rlproxy-test", ".yaml");
            try {
                Files.writeString(file, yaml);
                return new RunningProxy(ProxyApplication.start(ConfigLoader.load(file, env), Clock.system(), null,
                        processEnvironment));
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + app.port() + path;
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        app.close();
    }
}

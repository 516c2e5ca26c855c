package dev.rlproxy.server.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP/1.1 client for talking to a simulator over a real socket in tests. */
final class SimulatorClient {

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String baseUrl;

    SimulatorClient(UpstreamSimulator simulator) {
        this.baseUrl = simulator.baseUrl();
    }

    /** GET with {@code Authorization: Bearer token}, or no token when {@code token} is null. */
    HttpResponse<String> get(String path, String token) {
        return send("GET", path, "Authorization", token == null ? null : "Bearer " + token);
    }

    HttpResponse<String> send(String method, String path, String header, String value) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (value != null) {
            request.header(header, value);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Sends {@code count} GETs and returns how many got a 200. */
    int getTimes(int count, String path, String token) {
        int ok = 0;
        for (int i = 0; i < count; i++) {
            if (get(path, token).statusCode() == 200) {
                ok++;
            }
        }
        return ok;
    }

    static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }
}

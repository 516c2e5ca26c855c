package dev.rlproxy.server.it;

import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** One client connection serves request after request, the proxy's own refusals included. */
class KeepAliveIntegrationTest {

    @Test
    void aConnectionSurvivesSuccessesRefusalsAndNoRoute() throws IOException {
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.none(100, Duration.ofMinutes(1)));
             RunningProxy proxy = RunningProxy.start("""
                     server: { listen: "127.0.0.1:0" }
                     queue: { maxWait: 10ms }
                     upstreams:
                       api:
                         url: "%s"
                         buckets:
                           - { name: one-per-minute, limit: 1, per: 1m }
                     routes:
                       - match: { pathPrefix: "/api/" }
                         upstream: api
                     """.formatted(upstream.baseUrl()));
             Socket socket = new Socket("127.0.0.1", proxy.app.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));

            assertThat(exchange(out, in, "/api/first")).startsWith("HTTP/1.1 200");
            assertThat(exchange(out, in, "/api/second")).startsWith("HTTP/1.1 429");
            assertThat(exchange(out, in, "/nowhere")).startsWith("HTTP/1.1 404");
            assertThat(exchange(out, in, "/api/third")).startsWith("HTTP/1.1 429");
            assertThat(upstream.requestsSeen()).isEqualTo(1);
        }
    }

    /** Sends a GET and reads one whole response (status line, headers, Content-Length or chunked body). */
    private static String exchange(OutputStream out, BufferedReader in, String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = in.readLine();
        int length = 0;
        boolean closes = false;
        boolean chunked = false;
        for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
            String lower = line.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
            closes |= lower.startsWith("connection:") && lower.contains("close");
            chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
        }
        assertThat(closes).as("response to %s keeps the connection", path).isFalse();
        if (chunked) {
            for (int size; (size = Integer.parseInt(in.readLine().trim(), 16)) > 0; ) {
                in.skip(size);
                in.readLine(); // CRLF after the chunk
            }
            in.readLine(); // CRLF after the last chunk
        } else {
            in.skip(length);
        }
        return status;
    }
}

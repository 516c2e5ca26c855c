package dev.rlproxy.server.it;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official OpenAI Java SDK, unchanged, with its base URL set to the proxy: a streamed chat
 * completion arrives piece by piece as server-sent events, sent with the pool's key, within the
 * upstream's request limit.
 */
class OpenAiSdkIntegrationTest {

    private static final String KEY = "sk-it-pool-key";
    private static final List<String> PIECES = List.of("Hel", "lo ", "through ", "the ", "proxy");
    private static final int LIMIT = 3;

    @Test
    void aStreamedChatCompletionComesThroughWithThePoolsKey() throws Exception {
        AtomicInteger withKey = new AtomicInteger();
        AtomicInteger withoutKey = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newFixedThreadPool(4));
        upstream.createContext("/v1/chat/completions", exchange -> {
            if (!("Bearer " + KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                withoutKey.incrementAndGet();
                reply(exchange, 401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}");
                return;
            }
            int n = withKey.incrementAndGet();
            if (n > LIMIT) {
                violations.incrementAndGet();
                reply(exchange, 429, "{\"error\":{\"message\":\"Rate limit reached\"}}");
                return;
            }
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.getResponseHeaders().set("x-ratelimit-limit-requests", Integer.toString(LIMIT));
            exchange.getResponseHeaders().set("x-ratelimit-remaining-requests", Integer.toString(LIMIT - n));
            exchange.getResponseHeaders().set("x-ratelimit-reset-requests", "1m0s");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (String piece : PIECES) {
                    event(out, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + piece
                            + "\"},\"finish_reason\":null}]}");
                }
                event(out, "[DONE]");
            }
        });
        upstream.start();
        try (RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                upstreams:
                  openai:
                    url: "http://127.0.0.1:%d/v1"
                    dialect: openai
                    tokens: { static: ["${KEY}"] }
                routes:
                  - match: { pathPrefix: "/openai/" }
                    upstream: openai
                """.formatted(upstream.getAddress().getPort()), Map.of("KEY", KEY))) {
            OpenAIClient client = OpenAIOkHttpClient.builder()
                    .baseUrl(proxy.url("/openai"))
                    .apiKey("sk-client-placeholder") // replaced by the pool's key
                    .maxRetries(0)
                    .build();
            try {
                ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                        .model(ChatModel.GPT_4O_MINI).addUserMessage("Say hello").build();
                for (int i = 0; i < LIMIT; i++) {
                    StringBuilder text = new StringBuilder();
                    int[] chunks = {0};
                    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
                        stream.stream().forEach(chunk -> {
                            chunks[0]++;
                            chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
                        });
                    }
                    assertThat(text).hasToString("Hello through the proxy");
                    assertThat(chunks[0]).isEqualTo(PIECES.size());
                }
            } finally {
                client.close();
            }
        } finally {
            upstream.stop(0);
        }
        assertThat(withKey.get()).isEqualTo(LIMIT);
        assertThat(withoutKey.get()).as("requests that reached the upstream without the pool's key").isZero();
        assertThat(violations.get()).isZero();
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}

package dev.rlproxy.server.demo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's first command: the same load straight and through the proxy. */
class DemoIntegrationTest {

    @Test
    void straightLoadTripsTheLimitAndTheProxiedLoadDoesNot() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // 70 requests against 2 tokens x 30 per 10 s: one more window than straight traffic gets.
        DemoResult result = new Demo(new PrintStream(out, true, StandardCharsets.UTF_8), 70, 20).run();

        assertThat(result.directOk()).isEqualTo(60);
        assertThat(result.directViolations()).isEqualTo(10);
        assertThat(result.proxiedOk()).isEqualTo(70);
        assertThat(result.proxiedViolations()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("Summary")
                .contains("zero rate-limit violations")
                .doesNotContain(Demo.TOKENS.get(0))
                .doesNotContain(Demo.TOKENS.get(1));
    }
}

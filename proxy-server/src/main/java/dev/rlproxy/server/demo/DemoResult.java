package dev.rlproxy.server.demo;

import java.io.PrintStream;

/** The two phases side by side. */
public record DemoResult(long directOk, long directViolations, long proxiedOk, long proxied429,
                         long proxiedFailures, long proxiedViolations) {

    DemoResult(DemoLoad direct, long directViolations, DemoLoad proxied, long proxiedViolations) {
        this(direct.ok.get(), directViolations, proxied.ok.get(), proxied.proxy429.get(),
                proxied.failures.get() + proxied.completed.get() - proxied.ok.get() - proxied.proxy429.get(),
                proxiedViolations);
    }

    void print(PrintStream out) {
        out.println("Summary                               straight    via proxy");
        out.printf("  200 OK                              %8d     %8d%n", directOk, proxiedOk);
        out.printf("  upstream rate-limit refusals        %8d     %8d%n", directViolations, proxiedViolations);
        out.printf("  proxy 429 (queue.maxWait exceeded)  %8s     %8d%n", "-", proxied429);
        out.printf("  other errors                        %8s     %8d%n", "-", proxiedFailures);
        out.println();
        out.println(proxiedViolations == 0
                ? "The proxy kept the upstream at zero rate-limit violations while using its quota."
                : "UNEXPECTED: the upstream saw " + proxiedViolations + " violations through the proxy.");
    }
}

package dev.rlproxy.server.cli;

import dev.rlproxy.server.demo.Demo;
import dev.rlproxy.server.demo.DemoResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a simulated rate-limited upstream, the proxy in front of it, and a client load "
                + "(in-memory, no external service).")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--requests", defaultValue = "120", description = "requests per phase (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--concurrency", defaultValue = "20", description = "requests in flight at once (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Override
    public Integer call() throws Exception {
        // The demo prints its own progress and summary; a log line per request would bury them.
        LogSetup.apply(LogSetup.Format.text, LogSetup.LogLevel.warn);
        DemoResult result = new Demo(System.out, requests, concurrency).run();
        return result.proxiedViolations() == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}

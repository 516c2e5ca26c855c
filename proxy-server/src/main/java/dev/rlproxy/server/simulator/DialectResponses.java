package dev.rlproxy.server.simulator;

import java.util.Map;

/** How one dialect describes a caller's window in headers, and how it refuses a request over a limit. */
interface DialectResponses {

    /** The rate-limit headers sent with an accepted request's answer. */
    Map<String, String> headers(Admission admission);

    /** The answer to a request refused by {@code admission}: status, headers and body. */
    SimulatedResponse refusal(Admission admission);

    static DialectResponses of(SimulatedDialect dialect) {
        return switch (dialect) {
            case GITHUB -> new GitHubResponses();
            case DISCORD -> new DiscordResponses();
            case OPENAI -> new OpenAiResponses();
            case IETF -> new IetfResponses();
            case NONE -> new PlainResponses();
        };
    }
}

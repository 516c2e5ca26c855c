package dev.rlproxy.server.simulator;

/** How the simulator counts requests against a limit of N per window T. */
public enum WindowMode {
    /**
     * What real APIs do: a window of length T opens at the first request after the previous one
     * ended (so it is aligned to the caller's own first request), and up to N requests fit in it.
     * Lets up to 2N-1 through in an interval of length T that straddles two windows.
     */
    FIXED,
    /**
     * Strict: a request is refused when the N requests accepted before it all lie within the last T,
     * so no interval of length T ever holds more than N accepted requests. This is what the proxy promises.
     */
    SLIDING
}

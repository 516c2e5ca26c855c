package dev.rlproxy.server.cli;

/** What the process exit code means. */
final class ExitCodes {

    static final int OK = 0;
    static final int FAILURE = 1;
    static final int BAD_CONFIG = 2;
    /** The proxy or admin address could not be bound (usually: already in use). */
    static final int CANNOT_LISTEN = 3;

    private ExitCodes() {
    }
}

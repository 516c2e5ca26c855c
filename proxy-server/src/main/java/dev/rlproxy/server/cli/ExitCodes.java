package dev.rlproxy.server.cli;

/** What the process exit code means. */
final class ExitCodes {

    static final int OK = 0;
    static final int FAILURE = 1;
    static final int BAD_CONFIG = 2;

    private ExitCodes() {
    }
}

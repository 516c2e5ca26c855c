package dev.rlproxy.core.tokens;

/** What a pool's token is doing right now, as shown on /status. */
public enum TokenState {
    /** Can be checked out. */
    ACTIVE,
    /** No calls left (or throttled) until its reset. */
    SPENT,
    /** Answered 401; waits out a back-off, then gets one probe request. */
    QUARANTINED,
    /** Removed from the configuration; dropped once its in-flight requests end. */
    RETIRING,
    /** A generated credential that has no valid token yet (first fetch or after expiry). */
    PENDING
}

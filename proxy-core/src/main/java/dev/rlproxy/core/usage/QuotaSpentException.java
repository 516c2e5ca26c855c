package dev.rlproxy.core.usage;

import dev.rlproxy.core.limit.RetryLaterException;

/** A quota of the upstream is used up until its period ends; the message names the quota, never a token. */
public final class QuotaSpentException extends RetryLaterException {

    private final String quota;

    QuotaSpentException(String quota, long retryAfterNanos, String message) {
        super(retryAfterNanos, message);
        this.quota = quota;
    }

    /** The name of the quota that refused. */
    public String quota() {
        return quota;
    }
}

package dev.rlproxy.server.simulator;

/**
 * The simulator's decision on one request, with what the dialect needs to describe it.
 *
 * @param verdict     accepted, or which limit refused it
 * @param window      the refusing window, or (when accepted) the caller's window for this request
 *                    as it stands after counting it
 * @param bucket      Discord's bucket hash; empty for other dialects
 * @param callerLabel how refusal messages name the caller (never the token itself)
 * @param wallMillis  wall-clock time of the decision, to turn {@code resetAfterNanos} into epoch times
 */
record Admission(Verdict verdict, WindowState window, String bucket, String callerLabel, long wallMillis) {

    enum Verdict { ACCEPTED, OVER_LIMIT, OVER_GLOBAL_LIMIT }

    boolean accepted() {
        return verdict == Verdict.ACCEPTED;
    }

    /** Wall-clock epoch milliseconds at which the window frees room, rounded up. */
    long resetEpochMillis() {
        return wallMillis + Seconds.ceilMillis(window.resetAfterNanos());
    }
}

package dev.rlproxy.core.tokens;

import java.time.Instant;
import java.util.List;

/**
 * One token as /status and metrics show it: by fingerprint only.
 *
 * @param limit        calls per window, or -1 when unknown
 * @param remaining    calls left in the window, projected to now (requests in flight not subtracted), or -1
 * @param resetAt      when the window resets, or {@code null} when unknown
 * @param lastCheckout the last checkout, or {@code null} when never checked out
 */
public record TokenStatus(
        String fingerprint,
        TokenState state,
        long limit,
        long remaining,
        Instant resetAt,
        int inFlight,
        Instant lastCheckout) {

    /**
     * Calls the tokens have left together (requests in flight not subtracted), for status: the sum of
     * every known remaining; -1 when no token's remaining is known.
     */
    public static long estimatedRemaining(List<TokenStatus> tokens) {
        long sum = 0;
        boolean known = false;
        for (TokenStatus token : tokens) {
            if (token.remaining() >= 0 && token.state() != TokenState.RETIRING) {
                sum += token.remaining();
                known = true;
            }
        }
        return known ? sum : -1;
    }
}

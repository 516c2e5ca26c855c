package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;

/**
 * Admission to send one request. The holder reports exactly once how it went; later calls are
 * ignored. Until then the request counts as in flight against every learned bucket it is in; it
 * counts against in-flight caps until {@link #release}.
 *
 * <p>For a request that asked to be {@linkplain TicketRequest#stampAtSend() stamped at send}, the
 * configured buckets count it from the first of: {@link #sent()}, {@link #complete} (the answer
 * came, so it certainly arrived by now), or {@link #abandon abandon(true)} (it may have arrived by
 * now). Until then it holds a reserved slot.
 *
 * <p>Naming: {@code complete} (an answer came) and {@code abandon} (none did) end the request, as on
 * a token lease; {@code release} only returns the in-flight-cap slot, which a completed ticket keeps
 * until the response body has been relayed.
 */
public interface Ticket {

    /**
     * The request is being written now to a connection that delivers it promptly (network latency
     * only, which the window margin covers). Only meaningful for stamp-at-send requests; repeated
     * calls are ignored.
     */
    void sent();

    /** The upstream answered; its headers said {@code observation} (maybe {@link RateLimitObservation#EMPTY}). */
    void complete(RateLimitObservation observation);

    /**
     * The upstream answered {@code 304 Not Modified}, which GitHub (and others) do not count against
     * the limit. Learned windows that {@code observation} reports follow the report instead of
     * taking this request off first; a window it does not report counts the request as usual, since
     * nothing says the upstream did not count it. Configured buckets keep their admission either way.
     */
    default void completeNotModified(RateLimitObservation observation) {
        complete(observation);
    }

    /**
     * The upstream answered with a server error (5xx). Counted like any answer, but an error page
     * without rate-limit headers (often a gateway's) does not show that the upstream never sends
     * them, so it does not stop a bucket never heard from probing one request at a time.
     */
    default void completeServerError(RateLimitObservation observation) {
        complete(observation);
    }

    /**
     * No answer came (connect failure, timeout, reset, client gone before sending): the in-flight
     * reservation is returned. A configured-bucket admission stays spent if the request may have
     * reached the upstream ({@code maybeSent}), and is given back otherwise.
     */
    void abandon(boolean maybeSent);

    /**
     * The exchange is over (response relayed, failed, or the client went away): the slots it holds
     * in in-flight caps are freed. {@link #abandon} implies it; after {@link #complete} it must
     * still be called, since a response body may stream long after its head. Later calls are ignored.
     */
    void release();
}

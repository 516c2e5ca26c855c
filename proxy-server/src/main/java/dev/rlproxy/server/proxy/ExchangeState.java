package dev.rlproxy.server.proxy;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where one {@link ProxyExchange} stands. Admission (body → token → ticket → connection) holds
 * nothing the upstream has seen; from {@link #SENDING} on, the request may have reached it.
 */
enum ExchangeState {
    /** A buffered body is still arriving; admission starts once it is whole. */
    AWAITING_BODY,
    /** Queued for a token of the pool (or skipping it: passthrough, no pool). */
    AWAITING_TOKEN,
    /** Holding the token, queued for a ticket in every bucket. */
    AWAITING_TICKET,
    /** Holding the ticket, waiting for a pooled upstream connection (connect retries included). */
    AWAITING_CONNECTION,
    /** Written upstream; waiting for the response head. */
    SENDING,
    /** The upstream's answer is being relayed to the client. */
    RELAYING,
    /** Over: everything held was given back. */
    DONE;

    /** Still queueing: nothing has been written upstream for the current attempt. */
    boolean admitting() {
        return this == AWAITING_BODY || this == AWAITING_TOKEN || this == AWAITING_TICKET || this == AWAITING_CONNECTION;
    }

    /** Whether the exchange may move from here to {@code next}. */
    boolean canBecome(ExchangeState next) {
        return successors().contains(next);
    }

    private Set<ExchangeState> successors() {
        return switch (this) {
            case AWAITING_BODY -> EnumSet.of(AWAITING_TOKEN, DONE);
            case AWAITING_TOKEN -> EnumSet.of(AWAITING_TICKET, DONE);
            case AWAITING_TICKET -> EnumSet.of(AWAITING_CONNECTION, DONE);
            case AWAITING_CONNECTION -> EnumSet.of(SENDING, DONE);
            // Back to a token: another token after a throttled answer, or once more after a stale connection.
            case SENDING -> EnumSet.of(RELAYING, AWAITING_TOKEN, DONE);
            case RELAYING -> EnumSet.of(DONE);
            case DONE -> EnumSet.noneOf(ExchangeState.class);
        };
    }
}

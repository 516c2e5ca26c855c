package dev.rlproxy.server.proxy;

/** What an exchange asks of its client connection. */
interface ExchangeListener {

    /** The response is fully written; {@code keepAlive} says whether the connection may serve another. */
    void exchangeDone(boolean keepAlive);

    /**
     * The request (or more of its body) went upstream: unless {@link #responseArrived} comes first,
     * the exchange hears {@link ProxyExchange#responseTimedOut} in {@code timeoutNanos}. Each call moves
     * the deadline; the connection's one timer keeps it, so no task is scheduled per request.
     */
    void awaitResponse(long timeoutNanos);

    /** The response head arrived, or the exchange no longer waits for one. */
    void responseArrived();
}

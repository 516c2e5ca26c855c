package dev.rlproxy.server.proxy;

/** How an exchange tells its client connection that it is over. */
interface ExchangeListener {

    /** The response is fully written; {@code keepAlive} says whether the connection may serve another. */
    void exchangeDone(boolean keepAlive);
}

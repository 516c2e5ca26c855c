package dev.rlproxy.server.proxy;

import dev.rlproxy.server.upstream.UpstreamChannels;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * One client connection: turns each request into a {@link ProxyExchange}, one at a time.
 * AUTO_READ is off; the connection reads the next request only when the previous response is
 * done, and reads body chunks only when the exchange asks. Requests pipelined behind the current
 * one wait in a small backlog (bounded by what one read delivers).
 */
final class ClientConnectionHandler extends ChannelInboundHandlerAdapter implements ExchangeListener,
        ClientTimeouts.Expiry, Draining.Connection {

    private static final Logger log = LoggerFactory.getLogger(ClientConnectionHandler.class);

    private final ProxyRuntime runtime;
    private final ClientTimeouts timeouts;
    /** The upstream's connection pool; a test supplies channels of its own. */
    private final Function<Upstream, UpstreamChannels> channels;
    private final ArrayDeque<Object> pipelined = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ProxyExchange exchange;
    private RequestBody body;
    /** The current exchange's upstream, for {@link Draining} on other threads; null between exchanges. */
    private volatile Upstream busyWith;

    ClientConnectionHandler(ProxyRuntime runtime, ClientTimeouts timeouts) {
        this(runtime, timeouts, Upstream::connections);
    }

    ClientConnectionHandler(ProxyRuntime runtime, ClientTimeouts timeouts, Function<Upstream, UpstreamChannels> channels) {
        this.runtime = runtime;
        this.timeouts = timeouts;
        this.channels = channels;
        timeouts.expireInto(this);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        runtime.draining().add(this);
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null && body.fullyReceived()) {
            pipelined.add(msg);
        } else if (exchange != null && msg instanceof HttpContent content) {
            RequestBody current = body;
            current.onContent(content);
            if (current.fullyReceived()) {
                timeouts.bodyReceived();
            }
            if (exchange != null && body.fullyReceived()) {
                // Keep one read pending while the exchange waits: with AUTO_READ off, this is how a
                // client that hangs up is noticed (and its ticket withdrawn). Anything it sends
                // meanwhile is a pipelined request and waits in the backlog.
                ctx.read();
            }
        } else if (msg instanceof HttpRequest request) {
            begin(request);
        } else {
            ReferenceCountUtil.release(msg); // the rest of a body we already refused
            ctx.read();
        }
    }

    private void begin(HttpRequest request) {
        RequestBody.Mode mode = bodyMode(request);
        timeouts.headReceived(mode != RequestBody.Mode.NONE);
        ProxyError invalid = RequestChecks.reject(request, runtime.maxRequestBodyBytes());
        if (invalid != null) {
            ExchangeRecorder.rejected(runtime, request.method().name(), request.uri(), invalid);
            ctx.writeAndFlush(invalid.toResponse(ctx.alloc(), false)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (runtime.draining().started()) {
            ProxyError closing = ProxyError.shuttingDown();
            ExchangeRecorder.rejected(runtime, request.method().name(), request.uri(), closing);
            ctx.writeAndFlush(closing.toResponse(ctx.alloc(), false)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        try {
            // Before routing and prefix stripping, so no path can climb out of an upstream's base path.
            request.setUri(RequestPaths.normalise(request.uri()));
        } catch (RequestPaths.RejectedPath e) {
            ProxyError rejected = ProxyError.badRequest(e.getMessage());
            ExchangeRecorder.rejected(runtime, request.method().name(), request.uri(), rejected);
            ctx.writeAndFlush(rejected.toResponse(ctx.alloc(), false)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        Route route = runtime.router().match(request.headers().get(HttpHeaderNames.HOST), request.uri());
        if (route == null) {
            ProxyError notFound = ProxyError.noRoute(request.method().name(), pathOnly(request.uri()));
            ExchangeRecorder.rejected(runtime, request.method().name(), request.uri(), notFound);
            // Without a body to skip, the connection can serve the next request.
            boolean keepAlive = mode == RequestBody.Mode.NONE && HttpUtil.isKeepAlive(request);
            ctx.writeAndFlush(notFound.toResponse(ctx.alloc(), keepAlive))
                    .addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
            if (keepAlive) {
                timeouts.awaitNextRequest();
            }
            return;
        }
        route = route.forRequest(HttpUtil.getContentLength(request, 0L)); // a chunked body's size is unknown: 0
        body = new RequestBody(mode, HttpUtil.isTransferEncodingChunked(request),
                runtime.maxRequestBodyBytes(), ctx);
        exchange = new ProxyExchange(ctx, runtime, request, route, channels.apply(route.upstream()), body, this);
        busyWith = exchange.upstream();
        body.attach(exchange);
        exchange.start();
        if (mode == RequestBody.Mode.BUFFERED) {
            // A buffered body is read whole before admission; with AUTO_READ off, nothing else asks
            // for its first part when it did not arrive in the same read as the head.
            ctx.read();
        }
    }

    private RequestBody.Mode bodyMode(HttpRequest request) {
        if (HttpUtil.isTransferEncodingChunked(request)) {
            return RequestBody.Mode.STREAMED;
        }
        long length = HttpUtil.getContentLength(request, 0L);
        if (length == 0) {
            return RequestBody.Mode.NONE;
        }
        return length <= runtime.replayBufferBytes() ? RequestBody.Mode.BUFFERED : RequestBody.Mode.STREAMED;
    }

    @Override
    public void exchangeDone(boolean keepAlive) {
        if (exchange == null) {
            return;
        }
        busyWith = null;
        exchange = null;
        body = null;
        if (!keepAlive) {
            ctx.close();
            return;
        }
        timeouts.awaitNextRequest();
        while (exchange == null && !pipelined.isEmpty()) {
            channelRead(ctx, pipelined.poll());
        }
        if (exchange == null) {
            ctx.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientGone();
            busyWith = null;
            exchange = null;
            }
        runtime.draining().remove(this);
        pipelined.forEach(ReferenceCountUtil::release);
        pipelined.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and broken pipes are how clients leave; anything else is worth a look. The message
        // of an I/O or codec error carries no request content, so no secret reaches the log.
        if (cause instanceof java.io.IOException) {
            log.debug("client connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("client connection {} failed, closing it: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }

    @Override
    public Upstream busyWith() {
        return busyWith;
    }

    @Override
    public void shutdown() {
        if (ctx.executor().inEventLoop()) {
            shutdownExchange();
        } else {
            ctx.executor().execute(this::shutdownExchange);
        }
    }

    private void shutdownExchange() {
        if (exchange != null) {
            exchange.shutdown();
        }
    }

    @Override
    public void awaitResponse(long timeoutNanos) {
        timeouts.awaitResponse(timeoutNanos);
    }

    @Override
    public void responseArrived() {
        timeouts.responseArrived();
    }

    @Override
    public void responseTimedOut() {
        if (exchange != null) {
            exchange.responseTimedOut();
        }
    }

    @Override
    public void headTimedOut() {
        ProxyError timeout = ProxyError.requestTimeout("request head not complete within server.headerTimeout");
        ctx.writeAndFlush(timeout.toResponse(ctx.alloc(), false)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void idleTimedOut() {
        ctx.close();
    }

    @Override
    public void bodyTimedOut() {
        if (body != null && !body.fullyReceived()) {
            body.reject(ProxyError.requestTimeout("no request body data within server.bodyTimeout"));
            timeouts.bodyReceived();
        }
    }

    private static String pathOnly(String uri) {
        int query = uri.indexOf('?');
        return query >= 0 ? uri.substring(0, query) : uri;
    }
}

package dev.rlproxy.server.proxy;

import dev.rlproxy.core.config.BucketScope;
import dev.rlproxy.core.headers.Dialects;
import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.limit.LimiterSettings;
import dev.rlproxy.core.limit.LocalRateLimiter;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.core.limit.RateLimiter;
import dev.rlproxy.core.limit.Ticket;
import dev.rlproxy.core.limit.TicketRequest;
import dev.rlproxy.core.tokens.TokenPool;
import dev.rlproxy.core.tokens.TokenPoolSettings;
import dev.rlproxy.core.tokens.TokenSource;
import dev.rlproxy.core.tokens.TokenStatus;
import dev.rlproxy.server.upstream.UpstreamChannels;
import dev.rlproxy.server.upstream.UpstreamConnections;
import dev.rlproxy.server.upstream.UpstreamRelayHandler;
import dev.rlproxy.server.upstream.UpstreamSettings;
import dev.rlproxy.server.upstream.UpstreamTarget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One {@link ProxyExchange} with nothing real but its collaborators: the client is an
 * {@link EmbeddedChannel} running the client pipeline, each upstream connection an EmbeddedChannel
 * with the upstream pipeline (codec + relay handler), handed out when the test says so. The limiter
 * and token pool are the real ones on a manual clock; every ticket event is recorded.
 */
final class ExchangeHarness implements AutoCloseable {

    static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    static final long RESPONSE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final AttributeKey<Boolean> WAITED_IN_POOL = AttributeKey.valueOf("rlproxy.waitedInPool");

    final ManualClock clock = new ManualClock();
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final RecordingLimiter limiter = new RecordingLimiter(new LocalRateLimiter(clock, scheduler, LimiterSettings.DEFAULTS));
    final TokenPool tokens = new TokenPool("api", TokenPoolSettings.DEFAULTS, clock, scheduler);
    final Connections connections = new Connections();
    final UpstreamConnections pool;
    final Upstream upstream;
    final EmbeddedChannel client;
    final ProxyRuntime runtime;

    /** @param inFlightCap the upstream's one configured bucket: this many requests at once */
    ExchangeHarness(int inFlightCap) {
        tokens.reconcile(List.of(TokenSource.staticValues(List.of("secret-one", "secret-two"))));
        // Never started: only its target and bookkeeping are used; connections come from the test.
        pool = new UpstreamConnections(UpstreamTarget.of("api", URI.create("http://upstream.test")),
                new UpstreamSettings(Duration.ofSeconds(1), Duration.ofSeconds(5), 4, 0, 100, 10), null, null,
                NioSocketChannel.class, null);
        upstream = new Upstream("api", pool, Dialects.named("github"), tokens, "Authorization", "Bearer {token}",
                List.of(BucketSpec.inFlight("conc", inFlightCap, BucketScope.UPSTREAM)), null, 3,
                RESPONSE_TIMEOUT_NANOS, RequestForwarding.NONE, false);
        runtime = new ProxyRuntime(new Router(List.of(new Route("/api/", null, upstream, false))),
                limiter, clock, MAX_WAIT_NANOS, 1024, 1024);
        client = new EmbeddedChannel();
        client.config().setOption(ChannelOption.AUTO_READ, false);
        ClientTimeouts timeouts = new ClientTimeouts(new ClientLimits(Duration.ofMinutes(1), Duration.ofMinutes(1),
                Duration.ofMinutes(1), 10, 10));
        client.pipeline().addLast(timeouts,
                new CombinedChannelDuplexHandler<>(new StrictRequestDecoder(), new HttpResponseEncoder()),
                new ClientConnectionHandler(runtime, timeouts, u -> connections));
        client.pipeline().fireChannelActive();
    }

    /** The client sends raw bytes. */
    void clientSends(String raw) {
        client.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.US_ASCII));
    }

    /** Everything the proxy wrote to the client so far. */
    String clientReceived() {
        return drain(client);
    }

    /** Runs the client loop's timers that are due after moving both clocks by {@code nanos}. */
    void advance(long nanos) {
        scheduler.advanceNanos(nanos);
        client.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
        client.runScheduledPendingTasks();
    }

    /** Tokens checked out right now, over the whole pool. */
    int tokensInUse() {
        return tokens.status().stream().mapToInt(TokenStatus::inFlight).sum();
    }

    static String drain(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) msg;
            out.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
        return out.toString();
    }

    @Override
    public void close() {
        tokens.close();
    }

    /** Hands out upstream connections when the test says so; records what comes back. */
    static final class Connections implements UpstreamChannels {
        final ArrayDeque<Promise<Channel>> pending = new ArrayDeque<>();
        final List<Channel> released = new ArrayList<>();
        final List<Channel> discarded = new ArrayList<>();

        @Override
        public Future<Channel> acquire(EventLoop loop) {
            Promise<Channel> promise = loop.newPromise();
            pending.add(promise);
            return promise;
        }

        @Override
        public void release(Channel channel) {
            released.add(channel);
        }

        @Override
        public void discard(Channel channel) {
            channel.close();
            discarded.add(channel);
        }

        /** Completes the oldest acquire with a fresh connection (or one back from the pool). */
        EmbeddedChannel connect(boolean waitedInPool) {
            EmbeddedChannel upstream = new EmbeddedChannel();
            upstream.config().setOption(ChannelOption.AUTO_READ, false);
            upstream.pipeline().addLast(new HttpClientCodec(), new UpstreamRelayHandler());
            if (waitedInPool) {
                upstream.attr(WAITED_IN_POOL).set(Boolean.TRUE);
            }
            pending.remove().setSuccess(upstream);
            return upstream;
        }

        void failConnect(Throwable cause) {
            pending.remove().setFailure(cause);
        }
    }

    /** The real limiter; each ticket it grants records what the exchange did with it. */
    static final class RecordingLimiter implements RateLimiter {
        private final RateLimiter real;
        final List<String> events = new ArrayList<>();

        RecordingLimiter(RateLimiter real) {
            this.real = real;
        }

        @Override
        public CompletableFuture<Ticket> acquire(TicketRequest request) {
            CompletableFuture<Ticket> queued = real.acquire(request);
            CompletableFuture<Ticket> recorded = queued.thenApply(RecordingTicket::new);
            // Withdrawing the exchange's wait must withdraw it from the real queue too.
            recorded.whenComplete((ticket, error) -> {
                if (recorded.isCancelled()) {
                    queued.cancel(false);
                }
            });
            return recorded;
        }

        @Override
        public int queueDepth() {
            return real.queueDepth();
        }

        private final class RecordingTicket implements Ticket {
            private final Ticket real;

            RecordingTicket(Ticket real) {
                this.real = real;
            }

            @Override
            public void sent() {
                events.add("sent");
                real.sent();
            }

            @Override
            public void complete(RateLimitObservation observation) {
                events.add("complete");
                real.complete(observation);
            }

            @Override
            public void completeNotModified(RateLimitObservation observation) {
                events.add("completeNotModified");
                real.completeNotModified(observation);
            }

            @Override
            public void completeServerError(RateLimitObservation observation) {
                events.add("completeServerError");
                real.completeServerError(observation);
            }

            @Override
            public void abandon(boolean maybeSent) {
                events.add("abandon(" + maybeSent + ")");
                real.abandon(maybeSent);
            }

            @Override
            public void release() {
                events.add("release");
                real.release();
            }
        }
    }
}

package dev.rlproxy.server.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay in front of a test upstream that takes {@code setupMillis} to set up each NEW
 * connection, like a TLS handshake to a far API: it accepts at once, but nothing the client sends
 * reaches the upstream before the set-up time has passed (the bytes wait in the relay meanwhile).
 * Data on a connection already set up flows without delay. The proxy cannot see this delay; only
 * an upstream answer tells it a connection is through.
 */
final class SlowConnectRelay implements AutoCloseable {

    private final ServerSocket server;
    private final int upstreamPort;
    private final long setupMillis;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("relay-timer"));
    private final ExecutorService pumps = Executors.newCachedThreadPool(daemon("relay-pump"));
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    /** When each connection was accepted (System.nanoTime). */
    final List<Long> acceptedAt = new CopyOnWriteArrayList<>();

    SlowConnectRelay(int upstreamPort, long setupMillis) throws IOException {
        this.server = new ServerSocket(0, 1_000, InetAddress.getLoopbackAddress());
        this.upstreamPort = upstreamPort;
        this.setupMillis = setupMillis;
        pumps.execute(this::acceptLoop);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    int connectionsAccepted() {
        return acceptedAt.size();
    }

    /** Closes every relayed connection, as an upstream closing idle keep-alive connections would. */
    void dropAll() {
        open.forEach(SlowConnectRelay::closeQuietly);
        open.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                acceptedAt.add(System.nanoTime());
                open.add(client);
                timer.schedule(() -> pumps.execute(() -> relay(client)), setupMillis, TimeUnit.MILLISECONDS);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(Socket client) {
        try {
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
            upstream.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            open.add(upstream);
            pumps.execute(() -> pump(upstream, client));
            pump(client, upstream);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropAll();
        timer.shutdownNow();
        pumps.shutdownNow();
    }
}

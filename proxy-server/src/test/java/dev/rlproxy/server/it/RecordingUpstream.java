package dev.rlproxy.server.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A raw TCP upstream that never answers: it records every byte each connection sends and whether
 * the proxy closed it, so a test can assert exactly what an upstream received.
 */
final class RecordingUpstream implements AutoCloseable {

    /** What one upstream connection received. */
    static final class Received {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile boolean closedByProxy;

        synchronized String text() {
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }

        boolean closedByProxy() {
            return closedByProxy;
        }
    }

    private final ServerSocket server;
    private final List<Received> connections = new CopyOnWriteArrayList<>();

    RecordingUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "recording-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    List<Received> connections() {
        return connections;
    }

    /** Everything received on all connections, in order of connection. */
    String allText() {
        StringBuilder all = new StringBuilder();
        connections.forEach(c -> all.append(c.text()));
        return all.toString();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Received received = new Received();
                connections.add(received);
                Thread reader = new Thread(() -> record(socket, received), "recording-upstream-conn");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void record(Socket socket, Received received) {
        try (socket; InputStream in = socket.getInputStream()) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (received) {
                    received.bytes.write(buffer, 0, n);
                }
            }
        } catch (IOException reset) {
            // a reset is a close too
        }
        received.closedByProxy = true;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

package dev.rlproxy.server.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small egress proxy for tests: {@code CONNECT host:port} tunnels and absolute-form requests,
 * optional Basic authentication. It resolves host names through its own table, so an upstream
 * named {@code *.invalid} is reachable only through it: a request that arrives proves its
 * connection went through the proxy. Records the first request line of every connection.
 */
final class TestConnectProxy implements AutoCloseable {

    private final ServerSocket server;
    private final Map<String, String> hosts;
    private final String requiredAuthorization;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-connect-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** The first request line of each connection, in arrival order. */
    final List<String> requestLines = new CopyOnWriteArrayList<>();
    /** The {@code Proxy-Authorization} of each connection's first request ("" when absent). */
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    /**
     * @param hosts                 names the proxy resolves itself (to an IP literal)
     * @param requiredAuthorization a {@code Proxy-Authorization} value to insist on, or null
     */
    TestConnectProxy(Map<String, String> hosts, String requiredAuthorization) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.hosts = hosts;
        this.requiredAuthorization = requiredAuthorization;
        threads.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    long connects() {
        return requestLines.stream().filter(line -> line.startsWith("CONNECT ")).count();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                threads.execute(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] head = readHead(in);
            String text = new String(head, StandardCharsets.ISO_8859_1);
            String requestLine = text.substring(0, text.indexOf("\r\n"));
            requestLines.add(requestLine);
            String authorization = header(text, "proxy-authorization");
            authorizations.add(authorization);
            if (requiredAuthorization != null && !requiredAuthorization.equals(authorization)) {
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                client.close();
                return;
            }
            String target = requestLine.split(" ")[1];
            Socket upstream;
            if (requestLine.startsWith("CONNECT ")) {
                URI authority = URI.create("tcp://" + target);
                upstream = connect(authority.getHost(), authority.getPort());
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            } else {
                URI url = URI.create(target);
                upstream = connect(url.getHost(), url.getPort());
                upstream.getOutputStream().write(head); // origin servers accept the absolute form too
            }
            threads.execute(() -> pipe(upstream, client));
            pipe(client, upstream);
        } catch (IOException e) {
            close(client);
        }
    }

    private Socket connect(String host, int port) throws IOException {
        Socket socket = new Socket(hosts.getOrDefault(host, host), port);
        sockets.add(socket);
        return socket;
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // one side closed
        } finally {
            close(from);
            close(to);
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the request head ended");
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toByteArray();
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(TestConnectProxy::close);
        threads.shutdownNow();
    }
}

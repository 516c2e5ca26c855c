package dev.rlproxy.server.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A client on a plain socket, for requests no HTTP library would send. */
final class RawClient implements AutoCloseable {

    final Socket socket;

    RawClient(int port) throws IOException {
        this(port, "127.0.0.1");
    }

    /** From another loopback address ({@code 127.0.0.2} …), as a different client host would. */
    RawClient(int port, String fromAddress) throws IOException {
        socket = new Socket(java.net.InetAddress.getByName("127.0.0.1"), port,
                java.net.InetAddress.getByName(fromAddress), 0);
        socket.setSoTimeout(10_000);
    }

    void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Everything the proxy sends until it closes the connection (fails after 10 s of silence). */
    String readUntilClosed() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        int n;
        try {
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection still open; received so far: " + out.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException reset) {
            // a reset after the answer still counts as closed
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads one response whose body has a Content-Length, leaving the connection open. */
    String readResponse() throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("closed mid-response: " + head);
            }
            head.append((char) b);
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        int remaining = length.find() ? Integer.parseInt(length.group(1)) : 0;
        byte[] body = in.readNBytes(remaining);
        return head + new String(body, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

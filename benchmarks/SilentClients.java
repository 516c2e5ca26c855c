import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Opens N silent connections to a proxy on 127.0.0.1 (from 127.0.0.2 … 127.0.0.(1+K), round
 * robin), then every 5 s reports the proxy's open file descriptors, how many silent connections it
 * still holds, and whether a legitimate client (from 127.0.0.1) gets an answer within 3 s.
 *
 * Usage: java SilentClients.java PORT CLIENTS SOURCE_ADDRESSES WATCH_SECONDS PROXY_PID
 */
public class SilentClients {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int clients = Integer.parseInt(args[1]);
        int sources = Integer.parseInt(args[2]);
        int watchSeconds = Integer.parseInt(args[3]);
        long pid = Long.parseLong(args[4]);

        System.out.printf("proxy fds before: %d%n", fds(pid));
        ExecutorService pool = Executors.newFixedThreadPool(64);
        List<Future<Socket>> pending = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            String from = "127.0.0." + (2 + i % sources);
            pending.add(pool.submit(() -> connect(port, from)));
        }
        List<Socket> silent = new ArrayList<>();
        int failed = 0;
        for (Future<Socket> f : pending) {
            Socket s = f.get();
            if (s == null) {
                failed++;
            } else {
                silent.add(s);
            }
        }
        pool.shutdown();
        System.out.printf("silent clients: %d connected (TCP handshake), %d connects failed%n%n", silent.size(), failed);
        System.out.println("| t (s) | proxy fds | silent connections still open | legit client (127.0.0.1) |");
        System.out.println("|---|---|---|---|");
        long start = System.nanoTime();
        for (int t = 0; t <= watchSeconds; t += 5) {
            long due = start + t * 1_000_000_000L;
            while (System.nanoTime() < due) {
                Thread.sleep(50); // a measurement harness pacing itself, not test timing logic
            }
            System.out.printf("| %d | %d | %d | %s |%n", t, fds(pid), stillOpen(silent), legit(port));
        }
        for (Socket s : silent) {
            s.close();
        }
    }

    private static Socket connect(int port, String from) {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 3_000);
            return s;
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
            }
            return null;
        }
    }

    private static long fds(long pid) throws IOException {
        try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return list.count();
        }
    }

    /** Connections the proxy has not closed: a read times out instead of returning EOF. */
    private static int stillOpen(List<Socket> sockets) {
        int open = 0;
        byte[] buffer = new byte[4096];
        for (Socket s : sockets) {
            if (s.isClosed()) {
                continue;
            }
            try {
                s.setSoTimeout(1);
                InputStream in = s.getInputStream();
                int n;
                while ((n = in.read(buffer)) > 0) {
                    // the proxy answered (408); keep reading to see whether it also closed
                }
                s.close(); // EOF: closed by the proxy
            } catch (SocketTimeoutException stillThere) {
                open++;
            } catch (IOException reset) {
                try {
                    s.close();
                } catch (IOException ignored) {
                }
            }
        }
        return open;
    }

    private static String legit(int port) {
        long begin = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 3_000);
            s.setSoTimeout(3_000);
            s.getOutputStream().write("GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] status = s.getInputStream().readNBytes(12);
            long ms = (System.nanoTime() - begin) / 1_000_000;
            return status.length == 0 ? "closed without answer" : "`" + new String(status, StandardCharsets.US_ASCII) + "` in " + ms + " ms";
        } catch (SocketTimeoutException e) {
            return "no answer within 3 s";
        } catch (IOException e) {
            return "failed: " + e.getClass().getSimpleName();
        }
    }
}

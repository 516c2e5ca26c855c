package dev.rlproxy.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} process for tests, on a free loopback port, that a test can kill
 * ({@code -9}), stop, restart on the same port, and pause ({@code SIGSTOP}) and resume.
 *
 * <p>The binary is {@code redis-server} from {@code PATH} when there is one, else the Linux binary
 * shipped inside the {@code com.github.codemonstur:embedded-redis} test dependency (extracted once
 * per JVM). Persistence is off unless a test asks for it with {@link #withArgs}. {@link #sentinel}
 * starts the same binary in Sentinel mode, watching a data node. {@link #withTls} adds a TLS port
 * next to the plain one (which this fixture uses to see that the server is up).
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final String EMBEDDED_BINARY = "/redis-server-6.2.6-v5-linux-amd64";
    private static Path extractedBinary;

    private final List<String> extraArgs;
    /** Sentinel mode: the config file it starts from and rewrites; {@code null} for a data node. */
    private final Path sentinelConfig;
    private final Path dir;
    /** {@code null} for a plain server. */
    private final Tls tls;
    private int port;
    private int tlsPort;
    private Process process;

    /**
     * The server's TLS files (PEM).
     *
     * @param caFile the CAs whose client certificates it accepts (Redis requires this file even
     *               when {@code --tls-auth-clients no})
     */
    public record Tls(Path certFile, Path keyFile, Path caFile) {

        List<String> directives() {
            return List.of("tls-cert-file " + certFile, "tls-key-file " + keyFile, "tls-ca-cert-file " + caFile);
        }
    }

    private RedisServerProcess(List<String> extraArgs, List<String> sentinelDirectives, Tls tls) throws IOException {
        this.extraArgs = List.copyOf(extraArgs);
        this.tls = tls;
        this.dir = Files.createTempDirectory("rlproxy-redis-");
        if (sentinelDirectives == null) {
            this.sentinelConfig = null;
        } else {
            this.sentinelConfig = Files.write(dir.resolve("sentinel.conf"), sentinelDirectives);
        }
    }

    /** Starts a plain server (no persistence) on a free port. */
    public static RedisServerProcess start() throws IOException {
        return withArgs(List.of());
    }

    /** Starts a server with extra {@code redis-server} arguments, e.g. {@code --cluster-enabled yes}. */
    public static RedisServerProcess withArgs(List<String> extraArgs) throws IOException {
        return launchOnFreePort(new RedisServerProcess(extraArgs, null, null));
    }

    /**
     * Starts a server that also listens for TLS on {@link #tlsPort()} with {@code tls}'s files, with
     * extra arguments such as {@code --tls-auth-clients no}.
     */
    public static RedisServerProcess withTls(Tls tls, List<String> extraArgs) throws IOException {
        return launchOnFreePort(new RedisServerProcess(extraArgs, null, tls));
    }

    /**
     * Starts {@code redis-server --sentinel} watching {@code master} under {@code masterName} (quorum 1),
     * giving it {@code masterPassword} when not {@code null}.
     */
    public static RedisServerProcess sentinel(RedisServerProcess master, String masterName, String masterPassword)
            throws IOException {
        return sentinel(master, masterName, masterPassword, List.of(), null);
    }

    /**
     * As {@link #sentinel(RedisServerProcess, String, String)}, with more sentinel.conf directives
     * (its own {@code requirepass}, ACL {@code user}s); with {@code tls}, the sentinel listens for
     * TLS on {@link #tlsPort()} too and watches the master over TLS, at the master's TLS port.
     */
    public static RedisServerProcess sentinel(RedisServerProcess master, String masterName, String masterPassword,
                                              List<String> extraDirectives, Tls tls) throws IOException {
        int masterPort = tls == null ? master.port() : master.tlsPort();
        List<String> directives = new ArrayList<>(List.of(
                "sentinel monitor " + masterName + " " + master.host() + " " + masterPort + " 1",
                "sentinel down-after-milliseconds " + masterName + " 2000"));
        if (masterPassword != null) {
            directives.add("sentinel auth-pass " + masterName + " " + masterPassword);
        }
        if (tls != null) {
            directives.addAll(tls.directives());
            directives.add("tls-replication yes"); // how a sentinel reaches the data nodes
            directives.add("tls-auth-clients no");
        }
        directives.addAll(extraDirectives);
        return launchOnFreePort(new RedisServerProcess(List.of(), directives, tls));
    }

    private static RedisServerProcess launchOnFreePort(RedisServerProcess redis) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            redis.port = freePort();
            redis.tlsPort = redis.tls == null ? 0 : freePort();
            try {
                redis.launch();
                return redis;
            } catch (IOException e) {
                last = e; // the port was taken between probing and binding: try another
                redis.destroyQuietly();
            }
        }
        throw last;
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** The TLS port of a server started {@link #withTls}, 0 for a plain one. */
    public int tlsPort() {
        return tlsPort;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return "redis://" + host() + ":" + port;
    }

    /** The data directory (for append-only files and cluster configs). */
    public Path dir() {
        return dir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** {@code kill -9}: no shutdown, no save. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts it again on the same port (after {@link #kill}); retries while the port is still held. */
    public void restart() throws IOException, InterruptedException {
        if (isAlive()) {
            kill();
        }
        IOException last = null;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                launch();
                return;
            } catch (IOException e) {
                last = e;
                destroyQuietly();
                TimeUnit.MILLISECONDS.sleep(100); // waiting on the OS to free the port, not timing logic
            }
        }
        throw last;
    }

    /** {@code SIGSTOP}: the server keeps its sockets but answers nothing until {@link #resume}. */
    public void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** {@code SIGCONT} after {@link #pause}. */
    public void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            try {
                signal("-CONT"); // a paused server would not die of SIGTERM
            } catch (IOException | InterruptedException ignored) {
                // killing it below anyway
            }
        }
        destroyQuietly();
    }

    private void launch() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        if (sentinelConfig != null) { // the file comes first, and sentinel mode knows no persistence options
            command.addAll(List.of(sentinelConfig.toString(), "--sentinel"));
        } else {
            command.addAll(List.of("--save", "", "--appendonly", "no"));
        }
        command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--protected-mode", "no", "--loglevel", "warning"));
        if (tls != null) {
            command.addAll(List.of("--tls-port", Integer.toString(tlsPort)));
            if (sentinelConfig == null) { // the sentinel has them in its file
                tls.directives().forEach(directive -> command.addAll(List.of(("--" + directive).split(" ", 2))));
            }
        }
        command.addAll(extraArgs);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        awaitPong();
    }

    private void awaitPong() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited at start on port " + port + ": " + log());
            }
            if (answersPing()) {
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20); // polling a starting process, not timing logic
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while redis-server started", e);
            }
        }
        throw new IOException("redis-server did not answer PING on port " + port + " within " + START_TIMEOUT);
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host(), port), 500);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] reply = new byte[7];
            int n = socket.getInputStream().read(reply);
            String answer = n > 0 ? new String(reply, 0, n, StandardCharsets.US_ASCII) : "";
            return answer.startsWith("+PONG") || answer.startsWith("-NOAUTH"); // a password: up, but not for us

        } catch (IOException e) {
            return false;
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("redis.log")).strip();
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    private void destroyQuietly() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static synchronized Path binary() throws IOException {
        for (String dirOnPath : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dirOnPath.isEmpty() ? "." : dirOnPath, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        if (extractedBinary == null) {
            try (InputStream in = RedisServerProcess.class.getResourceAsStream(EMBEDDED_BINARY)) {
                if (in == null) {
                    throw new IOException("no redis-server on PATH and no embedded binary " + EMBEDDED_BINARY);
                }
                Path target = Files.createTempFile("redis-server-", "");
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                target.toFile().setExecutable(true);
                target.toFile().deleteOnExit();
                extractedBinary = target;
            }
        }
        return extractedBinary;
    }
}

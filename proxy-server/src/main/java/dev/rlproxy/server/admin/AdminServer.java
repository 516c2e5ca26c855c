package dev.rlproxy.server.admin;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rlproxy.core.config.AdminConfig;
import dev.rlproxy.server.ConfigWatcher;
import dev.rlproxy.server.ListenFailedException;
import dev.rlproxy.server.ProxyApplication;
import dev.rlproxy.server.metrics.PrometheusEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The admin listener: {@code /healthz /readyz /status /metrics /reload /dashboard} on
 * {@code admin.listen}, separate from the proxy's listener, so no admin path is ever reachable
 * through the proxy. It runs on the JDK's HTTP server with one thread of its own: admin traffic is
 * a scrape every few seconds, and keeping it off the proxy's event loops means a saturated proxy
 * still answers health checks and scrapes (and a slow scrape never delays a proxied request).
 *
 * <p>With {@code admin.authToken} set, every path but {@code /healthz} and the dashboard's static
 * page needs {@code Authorization: Bearer <token>}; without it the listener is loopback-only (configuration
 * validation refuses anything else).
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    /**
     * Paths served without the bearer token: the liveness probe, and the dashboard's static page,
     * which holds no data (it asks for the token and sends it with every {@code /status} poll).
     */
    private static final java.util.Set<String> OPEN_PATHS = java.util.Set.of("/healthz", "/dashboard", "/dashboard/");

    private final HttpServer server;
    private final ExecutorService executor;

    private AdminServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param reload runs an explicit reload; {@code null} when the configuration has no file to reload from
     */
    public static AdminServer start(AdminConfig config, ProxyApplication app, Supplier<ConfigWatcher.Outcome> reload) {
        HttpServer server;
        try {
            InetSocketAddress address = new InetSocketAddress(config.listen().host(), config.listen().port());
            server = config.tls() == null ? HttpServer.create(address, 64) : AdminTls.create(address, config.tls(), app);
        } catch (IOException e) {
            throw new ListenFailedException("admin listener", config.listen().toString(), e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rlproxy-admin");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        Routes routes = new Routes(app, new Readiness(app), reload, config.authToken());
        server.createContext("/", exchange -> {
            try (exchange) {
                routes.handle(exchange);
            } catch (RuntimeException e) {
                log.warn("admin request {} failed", exchange.getRequestURI().getPath(), e);
            }
        });
        server.start();
        AdminServer admin = new AdminServer(server, executor);
        log.info("admin listening on {}{}{}", admin.address(), config.tls() == null ? "" : " with TLS",
                config.requiresAuth() ? " (bearer token required)" : "");
        return admin;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    public int port() {
        return address().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Dispatches by exact path; everything else is a JSON 404. */
    private record Routes(ProxyApplication app, Readiness readiness, Supplier<ConfigWatcher.Outcome> reload,
                          String authToken) {

        void handle(HttpExchange exchange) throws IOException {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (!OPEN_PATHS.contains(path) && !authorized(exchange)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"rlproxy-admin\"");
                json(exchange, 401, error("unauthorized", "send Authorization: Bearer <admin.authToken>"));
                return;
            }
            boolean get = method.equals("GET") || method.equals("HEAD");
            switch (path) {
                case "/healthz" -> onlyGet(exchange, get, () -> json(exchange, 200, "{\"status\":\"up\"}"));
                case "/readyz" -> onlyGet(exchange, get, () -> ready(exchange));
                case "/status" -> onlyGet(exchange, get,
                        () -> send(exchange, 200, "application/json", StatusJson.of(app, readiness)));
                case "/metrics" -> onlyGet(exchange, get,
                        () -> send(exchange, 200, PrometheusEndpoint.CONTENT_TYPE, app.telemetry().prometheus().scrape()));
                case "/dashboard", "/dashboard/" -> onlyGet(exchange, get, () -> dashboard(exchange));
                case "/reload" -> {
                    if (!method.equals("POST")) {
                        exchange.getResponseHeaders().set("Allow", "POST");
                        json(exchange, 405, error("method_not_allowed", "use POST /reload"));
                    } else {
                        reload(exchange);
                    }
                }
                default -> json(exchange, 404, error("not_found", "admin paths: /healthz /readyz /status /metrics "
                        + "/dashboard, POST /reload"));
            }
        }

        private boolean authorized(HttpExchange exchange) {
            if (authToken.isEmpty()) {
                return true;
            }
            String given = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] expected = ("Bearer " + authToken).getBytes(StandardCharsets.UTF_8);
            return given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8));
        }

        private void ready(HttpExchange exchange) throws IOException {
            var problems = readiness.problems();
            if (problems.isEmpty()) {
                json(exchange, 200, "{\"ready\":true}");
            } else {
                json(exchange, 503, "{\"ready\":false,\"reasons\":["
                        + String.join(",", problems.stream().map(AdminServer::quote).toList()) + "]}");
            }
        }

        private void reload(HttpExchange exchange) throws IOException {
            if (reload == null) {
                json(exchange, 409, error("no_config_file", "this proxy was not started from a configuration file"));
                return;
            }
            ConfigWatcher.Outcome outcome = reload.get();
            if (outcome.applied()) {
                json(exchange, 200, "{\"reloaded\":true,\"detail\":" + quote(outcome.message())
                        + ",\"notApplied\":[" + String.join(",", outcome.notApplied().stream().map(AdminServer::quote).toList())
                        + "]}");
            } else {
                json(exchange, 422, error("invalid_config", outcome.message()));
            }
        }

        private void dashboard(HttpExchange exchange) throws IOException {
            try (InputStream page = AdminServer.class.getResourceAsStream("/admin/dashboard.html")) {
                if (page == null) {
                    json(exchange, 404, error("not_found", "the dashboard is not packaged"));
                    return;
                }
                send(exchange, 200, "text/html; charset=utf-8", page.readAllBytes());
            }
        }

        private static void onlyGet(HttpExchange exchange, boolean get, IoAction action) throws IOException {
            if (get) {
                action.run();
            } else {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                json(exchange, 405, error("method_not_allowed", "use GET"));
            }
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static String error(String error, String detail) {
        return "{\"error\":" + quote(error) + ",\"detail\":" + quote(detail) + "}";
    }

    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        send(exchange, status, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : (body.length == 0 ? -1 : body.length));
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}

package dev.rlproxy.server.simulator;


import dev.rlproxy.core.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides each request against its caller's windows. Each caller has its own lock, taken for the
 * whole check-then-count step, and time is read under it so a caller's windows see times in
 * admission order.
 */
final class CallerLimiter {

    private static final Duration GLOBAL_WINDOW = Duration.ofSeconds(1);
    private static final String REQUESTS_KEY = "requests";
    private static final String GLOBAL_KEY = "global";

    private final SimulatorSpec spec;
    private final Clock clock;
    private final Map<String, CallerWindows> callers = new ConcurrentHashMap<>();
    private final AtomicInteger nextCallerId = new AtomicInteger();

    CallerLimiter(SimulatorSpec spec) {
        this.spec = spec;
        this.clock = spec.clock();
    }

    Admission admit(String caller, String method, String path) {
        return admit(caller, method, path, true);
    }

    /**
     * @param counted false for a request the upstream does not count when there is room (GitHub's
     *                conditional request answered 304): it is decided like any other, but not recorded
     */
    Admission admit(String caller, String method, String path, boolean counted) {
        CallerWindows windows = callers.computeIfAbsent(caller, this::newCaller);
        boolean discord = spec.dialect() == SimulatedDialect.DISCORD;
        DiscordRoute route = discord ? DiscordRoute.of(method, path) : null;
        String bucket = discord ? route.bucket() : "";
        synchronized (windows) {
            long now = clock.nanoTime();
            long wall = clock.wallMillis();
            RequestWindow requests = windows.window(discord ? route.countKey() : REQUESTS_KEY,
                    spec.limitFor(caller), spec.window());
            RequestWindow global = discord
                    ? windows.window(GLOBAL_KEY, spec.globalLimitPerSecond(), GLOBAL_WINDOW) : null;
            if (global != null) {
                WindowState globalState = global.state(now);
                if (!globalState.hasRoom()) {
                    return new Admission(Admission.Verdict.OVER_GLOBAL_LIMIT, globalState, bucket, windows.label, wall);
                }
            }
            WindowState requestState = requests.state(now);
            if (!requestState.hasRoom()) {
                return new Admission(Admission.Verdict.OVER_LIMIT, requestState, bucket, windows.label, wall);
            }
            if (!counted) {
                return new Admission(Admission.Verdict.ACCEPTED, requestState, bucket, windows.label, wall);
            }
            requests.record(now);
            if (global != null) {
                global.record(now);
            }
            return new Admission(Admission.Verdict.ACCEPTED, requests.state(now), bucket, windows.label, wall);
        }
    }

    /** Forgets every caller's counts. */
    void clear() {
        callers.clear();
    }

    private CallerWindows newCaller(String caller) {
        String label = SimulatorSpec.ANONYMOUS.equals(caller)
                ? "this IP address" : "user ID " + nextCallerId.incrementAndGet();
        return new CallerWindows(label);
    }

    /** One caller's windows by key; guarded by its own monitor. */
    private final class CallerWindows {
        private final String label;
        private final Map<String, RequestWindow> byKey = new HashMap<>();

        CallerWindows(String label) {
            this.label = label;
        }

        RequestWindow window(String key, int limit, Duration length) {
            return byKey.computeIfAbsent(key, k -> RequestWindow.create(spec.windowMode(), limit, length));
        }
    }
}

package dev.rlproxy.server.simulator;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the simulator saw: requests, accepted (2xx) answers and violations (refusals caused by an
 * exceeded limit), in total, per caller and (requests only) per path. Lock-free.
 */
final class SimulatorCounters {

    private final AtomicLong seen = new AtomicLong();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder violations = new LongAdder();
    private final Map<String, LongAdder> seenByCaller = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> acceptedByCaller = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> violationsByCaller = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> seenByPath = new ConcurrentHashMap<>();

    /** Counts a request and returns its sequence number (1 for the first since the last clear). */
    long seen(String caller, String path) {
        increment(seenByCaller, caller);
        increment(seenByPath, path);
        return seen.incrementAndGet();
    }

    void accepted(String caller) {
        accepted.increment();
        increment(acceptedByCaller, caller);
    }

    void violation(String caller) {
        violations.increment();
        increment(violationsByCaller, caller);
    }

    long seen() {
        return seen.get();
    }

    long accepted() {
        return accepted.sum();
    }

    long violations() {
        return violations.sum();
    }

    Map<String, Long> seenByCaller() {
        return snapshot(seenByCaller);
    }

    Map<String, Long> acceptedByCaller() {
        return snapshot(acceptedByCaller);
    }

    Map<String, Long> violationsByCaller() {
        return snapshot(violationsByCaller);
    }

    Map<String, Long> seenByPath() {
        return snapshot(seenByPath);
    }

    void clear() {
        seen.set(0);
        accepted.reset();
        violations.reset();
        seenByCaller.clear();
        acceptedByCaller.clear();
        violationsByCaller.clear();
        seenByPath.clear();
    }

    private static void increment(Map<String, LongAdder> counts, String key) {
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((key, count) -> copy.put(key, count.sum()));
        return Collections.unmodifiableMap(copy);
    }
}

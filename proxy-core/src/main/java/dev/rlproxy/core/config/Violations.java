package dev.rlproxy.core.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every violation a constructor finds, so one load reports them all at once. */
final class Violations {

    private final List<Violation> found = new ArrayList<>();

    /** Records a violation at {@code key} unless {@code ok}; returns {@code ok} to allow dependent checks. */
    boolean check(boolean ok, String key, String message) {
        if (!ok) {
            add(key, message);
        }
        return ok;
    }

    void add(String key, String message) {
        found.add(new Violation(key, message));
    }

    void throwIfAny() {
        if (!found.isEmpty()) {
            throw new InvalidConfigException(found);
        }
    }
}

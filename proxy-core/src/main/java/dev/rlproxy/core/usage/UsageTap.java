package dev.rlproxy.core.usage;

import java.util.List;

/**
 * Counts the bytes of one request or response into every counter that meters them (the
 * upstream's and its token's, per day and per month). Resolved once per exchange, so relaying a
 * chunk costs a few adder increments and no lookups.
 */
public final class UsageTap {

    /** Counts nowhere: no quota meters these bytes. */
    public static final UsageTap NONE = new UsageTap(List.of());

    private final List<UsageCounter> counters;

    UsageTap(List<UsageCounter> counters) {
        this.counters = counters;
    }

    public void add(long bytes) {
        if (bytes > 0) {
            for (UsageCounter c : counters) {
                c.add(bytes);
            }
        }
    }
}

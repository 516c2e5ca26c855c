package dev.rlproxy.core.usage;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One usage total (an upstream's or a token's metric in one period) as this replica sees it:
 * the store's total when last asked ({@code baseline}), plus what a flush is sending right now,
 * plus what was counted since. The request path only adds to a {@link LongAdder}; the flusher
 * moves its amount out and puts it back if the store could not take it. Every move adds before it
 * subtracts, so the count seen meanwhile errs high (a refusal too many), never low (an overshoot).
 */
final class UsageCounter {

    private final String key;
    private final long periodEndMillis;
    private final LongAdder pending = new LongAdder();
    private final AtomicLong flushing = new AtomicLong();
    private volatile long baseline;
    private volatile boolean known;

    UsageCounter(String key, long periodEndMillis) {
        this.key = key;
        this.periodEndMillis = periodEndMillis;
    }

    String key() {
        return key;
    }

    long periodEndMillis() {
        return periodEndMillis;
    }

    /** Counts {@code amount} (negative to give back a reservation). */
    void add(long amount) {
        pending.add(amount);
    }

    /** The total as far as this replica knows: never less than what it counted itself. */
    long used() {
        return baseline + flushing.get() + pending.sum();
    }

    /** Whether the store's total was read since this counter appeared (after a restart or at a new period). */
    boolean known() {
        return known;
    }

    /**
     * Moves the unflushed amount to "flushing". Added there before it leaves the adder, so a
     * concurrent {@link #used} may count it twice for a moment but never misses it; amounts added
     * meanwhile stay in the adder for the next flush.
     */
    long takeForFlush() {
        long delta = pending.sum();
        flushing.addAndGet(delta);
        pending.add(-delta);
        return delta;
    }

    /** The store took {@code delta}; its total, which includes it, is now {@code total}. */
    void flushed(long delta, long total) {
        baseline = total; // first: meanwhile the delta counts twice, never zero times
        known = true;
        flushing.addAndGet(-delta);
    }

    /** The store did not take {@code delta}: it is counted again, to go with the next flush. */
    void flushFailed(long delta) {
        pending.add(delta);
        flushing.addAndGet(-delta);
    }

    /** Nothing left to send and its period long over: the meter may forget it. */
    boolean idleAndEndedBefore(long wallMillis) {
        return periodEndMillis < wallMillis && pending.sum() == 0 && flushing.get() == 0;
    }
}

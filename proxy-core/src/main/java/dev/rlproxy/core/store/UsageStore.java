package dev.rlproxy.core.store;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where quota usage totals live: in this process (kept in a state file across restarts), or in
 * Redis, shared by every replica. Totals only grow by what replicas add; a replica sends its
 * counts in batches ({@code UsageMeter} flushes), so the store sees one call per flush, not one
 * per request.
 *
 * <p>Implementations must not block the caller: a store that does I/O answers on its own thread.
 */
public interface UsageStore extends AutoCloseable {

    /**
     * Adds every delta atomically per key (a delta of 0 only reads) and answers each key's total
     * after the addition. On failure nothing may be assumed added: the caller keeps its deltas and
     * sends them again, so a store must either apply a whole call or none of it.
     */
    CompletableFuture<Map<String, Long>> add(List<UsageDelta> deltas);

    /** Persists what must survive a restart; the store is not used afterwards. */
    @Override
    default void close() {
    }
}

package dev.rlproxy.core.store;

import dev.rlproxy.core.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Usage totals in this process ({@code store.type: memory}), kept across restarts in a small
 * state file: read at start, rewritten after every change that flushed (on {@code writer}, never
 * on the caller's thread) and at {@link #close}. Each write goes to a temporary file beside it
 * that is then renamed over it, so a crash mid-write leaves the previous file whole.
 *
 * <p>Format: one total per line, {@code key TAB total TAB expireAtMillis}; {@code #} lines are comments.
 */
public final class LocalUsageStore implements UsageStore {

    private static final Logger LOG = LoggerFactory.getLogger(LocalUsageStore.class);
    private static final String HEADER = "# rlproxy usage totals: key, total, forget-after (epoch ms). Written by the proxy.";

    private final Path file;
    private final Executor writer;
    private final Clock clock;
    private final Map<String, Entry> totals = new HashMap<>();
    private final AtomicBoolean writeQueued = new AtomicBoolean();
    /** Totals changed since the file was last written (none at all: no file is created). */
    private final AtomicBoolean unwritten = new AtomicBoolean();
    /** Set by {@link #close}: a write still queued then does nothing (the file may be gone by then). */
    private boolean closed; // guarded by this

    private record Entry(long total, long expireAtMillis) {
    }

    /**
     * @param file   the state file, or null to keep totals in memory only
     * @param writer where the file is written (a thread that may block)
     */
    public LocalUsageStore(Path file, Executor writer, Clock clock) {
        this.file = file;
        this.writer = writer;
        this.clock = clock;
        if (file != null) {
            read();
        }
    }

    @Override
    public CompletableFuture<Map<String, Long>> add(List<UsageDelta> deltas) {
        Map<String, Long> answer = new HashMap<>();
        boolean changed = false;
        synchronized (totals) {
            long now = clock.wallMillis();
            totals.values().removeIf(e -> e.expireAtMillis() < now);
            for (UsageDelta d : deltas) {
                Entry before = totals.get(d.key());
                long total = (before == null ? 0 : before.total()) + d.delta();
                if (d.delta() != 0 || before == null) {
                    totals.put(d.key(), new Entry(total, d.expireAtMillis()));
                    changed |= d.delta() != 0;
                }
                answer.put(d.key(), total);
            }
        }
        if (changed) {
            unwritten.set(true);
            queueWrite();
        }
        return CompletableFuture.completedFuture(answer);
    }

    /**
     * Writes the state file a last time, on the caller's thread, if anything changed; after this no
     * queued write touches the file (a write in progress finishes first).
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (file != null && unwritten.get()) {
            write();
        }
    }

    private void queueWrite() {
        if (file != null && writeQueued.compareAndSet(false, true)) {
            writer.execute(() -> {
                writeQueued.set(false); // a change after this point queues another write
                synchronized (this) {
                    if (!closed) {
                        write();
                    }
                }
            });
        }
    }

    private void read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return; // first start
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the usage state file " + file + ": " + e.getMessage(), e);
        }
        long now = clock.wallMillis();
        int skipped = 0;
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t");
            try {
                Entry entry = new Entry(Long.parseLong(fields[1]), Long.parseLong(fields[2]));
                if (fields.length == 3 && entry.expireAtMillis() >= now) {
                    totals.put(fields[0], entry);
                }
            } catch (RuntimeException e) {
                skipped++;
            }
        }
        if (skipped > 0) {
            LOG.warn("usage state file {}: {} unreadable lines ignored", file, skipped);
        }
        LOG.info("usage totals read from {} ({} counters)", file, totals.size());
    }

    /** Called holding this object's lock. */
    private void write() {
        unwritten.set(false); // a change from here on is written again
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        synchronized (totals) {
            totals.forEach((key, e) -> text.append(key).append('\t').append(e.total()).append('\t')
                    .append(e.expireAtMillis()).append('\n'));
        }
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("cannot write the usage state file {}: {}; totals are kept in memory and written again "
                    + "after the next flush", file, e.toString());
        }
    }
}

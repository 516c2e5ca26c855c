package dev.rlproxy.core.tokens;

import static dev.rlproxy.core.tokens.PoolFixture.SECOND;
import static dev.rlproxy.core.tokens.PoolFixture.fp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A token file, polled on the scheduler; changes reach the pool, problems keep the last good set. */
class TokenFileSourceTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final List<String> warnings = new ArrayList<>();
    private final TokenPool pool = new TokenPool("file", TokenPoolSettings.DEFAULTS, clock, scheduler);
    private Instant mtime = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void readsOneTokenPerLineIgnoringCommentsAndBlanks() throws IOException {
        Path file = write("# team tokens\n\nfile-tok-1\n  file-tok-2  \n# file-tok-3 is revoked\n");
        pool.reconcile(List.of(source(file)));
        assertThat(fingerprints()).containsExactly(fp("file-tok-1"), fp("file-tok-2"));
        assertThat(warnings).isEmpty();
    }

    @Test
    void picksUpChangesWhenTheModificationTimeMoves() throws IOException {
        Path file = write("file-tok-1\nfile-tok-2\n");
        pool.reconcile(List.of(source(file)));

        write("file-tok-2\nfile-tok-3\n");
        assertThat(fingerprints()).as("not polled yet").containsExactly(fp("file-tok-1"), fp("file-tok-2"));
        scheduler.advanceNanos(5 * SECOND);
        assertThat(fingerprints()).containsExactly(fp("file-tok-2"), fp("file-tok-3"));
    }

    @Test
    void anUnchangedModificationTimeIsNotReadAgain() throws IOException {
        Path file = write("file-tok-1\n");
        pool.reconcile(List.of(source(file)));
        Files.writeString(file, "file-tok-9\n");
        Files.setLastModifiedTime(file, FileTime.from(mtime));
        scheduler.advanceNanos(5 * SECOND);
        assertThat(fingerprints()).containsExactly(fp("file-tok-1"));
    }

    @Test
    void aMissingOrEmptyFileKeepsTheLastGoodSetAndWarnsWithoutTokens() throws IOException {
        Path file = write("file-tok-1\nfile-tok-2\n");
        pool.reconcile(List.of(source(file)));

        Files.delete(file);
        scheduler.advanceNanos(5 * SECOND);
        scheduler.advanceNanos(5 * SECOND);
        assertThat(fingerprints()).containsExactly(fp("file-tok-1"), fp("file-tok-2"));
        assertThat(warnings).as("one warning per problem, not per poll").hasSize(1);
        assertThat(warnings.get(0)).contains("missing", file.getFileName().toString(), "2 token(s)");

        write("# nothing here\n");
        scheduler.advanceNanos(5 * SECOND);
        assertThat(fingerprints()).hasSize(2);
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(1)).contains("holds no token");

        write("file-tok-4\n");
        scheduler.advanceNanos(5 * SECOND);
        assertThat(fingerprints()).containsExactly(fp("file-tok-4"));
        assertThat(String.join("\n", warnings)).doesNotContain("file-tok");
    }

    @Test
    void aLineWithWhitespaceInsideIsSkippedAndNamedByNumberOnly() throws IOException {
        Path file = write("file-tok-1\nBearer file-tok-2\n");
        pool.reconcile(List.of(source(file)));
        assertThat(fingerprints()).containsExactly(fp("file-tok-1"));
        assertThat(warnings).singleElement().asString().contains("line(s) [2]").doesNotContain("file-tok");
    }

    @Test
    void stopsPollingWhenRemovedFromThePool() throws IOException {
        Path file = write("file-tok-1\n");
        pool.reconcile(List.of(source(file)));
        assertThat(scheduler.pending()).isEqualTo(1);
        pool.reconcile(List.of());
        assertThat(scheduler.pending()).isZero();
        assertThat(pool.status()).isEmpty();
    }

    @Test
    void rejectsANonPositivePollInterval() {
        assertThatThrownBy(() -> TokenSource.file(dir.resolve("t"), Duration.ZERO, scheduler))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("poll interval");
    }

    private TokenFileSource source(Path file) {
        return new TokenFileSource(file, Duration.ofSeconds(5), scheduler, warnings::add);
    }

    /** Writes the file and moves its modification time forward a full second, as a real edit would. */
    private Path write(String content) throws IOException {
        Path file = dir.resolve("tokens.txt");
        Files.writeString(file, content);
        mtime = mtime.plusSeconds(1);
        Files.setLastModifiedTime(file, FileTime.from(mtime));
        return file;
    }

    private List<String> fingerprints() {
        return pool.status().stream().map(TokenStatus::fingerprint).toList();
    }
}

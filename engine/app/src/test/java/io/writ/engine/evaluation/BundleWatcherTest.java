package io.writ.engine.evaluation;

import io.micronaut.context.exceptions.ConfigurationException;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A changed bundle is validated and swapped in; a broken change is rejected and the old revision answers. */
class BundleWatcherTest {
    @TempDir
    Path dir;

    private Path writeDir(String revision, String answer) throws Exception {
        Path b = dir.resolve("bundle");
        Files.createDirectories(b.resolve("writ"));
        Files.writeString(b.resolve(".manifest"), "{\"revision\": \"" + revision + "\"}");
        Files.writeString(b.resolve("writ/p.rego"), "package writ\n\nanswer := " + answer + "\n");
        // a distinct modification time even on file systems with coarse timestamps
        Instant t = Instant.now().plusSeconds(revision.hashCode() % 1000 + 1000);
        Files.setLastModifiedTime(b.resolve(".manifest"), FileTime.from(t));
        return b;
    }

    @Test
    void directoryChangeSwapsInAndBrokenChangeKeepsTheLastGoodRevision() throws Exception {
        Path b = writeDir("r1", "1");
        EmbeddedPolicyEngine engine = new EmbeddedPolicyEngine(b.toString());
        try (BundleWatcher watcher = new BundleWatcher(engine, Duration.ZERO)) {
            assertThat(watcher.check()).as("nothing changed yet").isFalse();

            writeDir("r2", "2");
            assertThat(watcher.check()).isTrue();
            assertThat(engine.revision()).isEqualTo("r2");
            assertThat(engine.evaluate("writ/answer", null)).isEqualTo(Value.of(2));

            writeDir("r3", "x");
            assertThat(watcher.check()).isTrue();
            assertThat(engine.revision()).isEqualTo("r2");
            assertThat(engine.evaluate("writ/answer", null)).isEqualTo(Value.of(2));
            PolicyStatus s = engine.status();
            assertThat(s.up()).as("the last good revision still answers").isTrue();
            assertThat(s.details().get("last_error").toString()).contains("p.rego:3:").contains("var x is unsafe");
            assertThat(watcher.check()).as("a broken change is tried once, not on every poll").isFalse();

            writeDir("r4", "4");
            assertThat(watcher.check()).isTrue();
            assertThat(engine.revision()).isEqualTo("r4");
            assertThat(engine.status().details()).doesNotContainKey("last_error");
        }
    }

    @Test
    void newFileInTheBundleIsAChange() throws Exception {
        Path b = writeDir("r1", "1");
        EmbeddedPolicyEngine engine = new EmbeddedPolicyEngine(b.toString());
        try (BundleWatcher watcher = new BundleWatcher(engine, Duration.ZERO)) {
            Files.writeString(b.resolve("writ/q.rego"), "package writ\n\nother := 5\n");
            assertThat(watcher.check()).isTrue();
            assertThat(engine.evaluate("writ/other", null)).isEqualTo(Value.of(5));
        }
    }

    @Test
    void archiveReplacedIsReloaded() throws Exception {
        Path archive = dir.resolve("bundle.tar.gz");
        BundleArchiveTest.tarGz(archive, "/.manifest", "{\"revision\": \"a1\"}", "/writ/p.rego", "package writ\n\nanswer := 1\n");
        EmbeddedPolicyEngine engine = new EmbeddedPolicyEngine(archive.toString());
        assertThat(engine.revision()).isEqualTo("a1");
        try (BundleWatcher watcher = new BundleWatcher(engine, Duration.ZERO)) {
            Path next = BundleArchiveTest.tarGz(dir.resolve("next.tar.gz"), "/.manifest", "{\"revision\": \"a2\"}",
                    "/writ/p.rego", "package writ\n\nanswer := 2\n");
            Files.move(next, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            assertThat(watcher.check()).isTrue();
            assertThat(engine.revision()).isEqualTo("a2");

            Files.writeString(archive, "truncated");
            assertThat(watcher.check()).isTrue();
            assertThat(engine.revision()).isEqualTo("a2");
            assertThat(engine.lastError()).contains("not a readable .tar.gz");
        }
    }

    @Test
    void pollsOnItsOwnEveryInterval() throws Exception {
        Path b = writeDir("p1", "1");
        EmbeddedPolicyEngine engine = new EmbeddedPolicyEngine(b.toString());
        try (BundleWatcher ignored = new BundleWatcher(engine, Duration.ofMillis(50))) {
            writeDir("p2", "2");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!"p2".equals(engine.revision()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(engine.revision()).isEqualTo("p2");
        }
    }

    @Test
    void classpathBundlesAreNotWatched() {
        EmbeddedPolicyEngine engine = new EmbeddedPolicyEngine("classpath:test-bundle");
        try (BundleWatcher watcher = new BundleWatcher(engine, Duration.ofMillis(10))) {
            assertThat(watcher.check()).isFalse();
        }
    }

    @Test
    void intervals() {
        assertThat(BundleWatcher.parseInterval("0")).isEqualTo(Duration.ZERO);
        assertThat(BundleWatcher.parseInterval("PT0S")).isEqualTo(Duration.ZERO);
        assertThat(BundleWatcher.parseInterval("PT10S")).isEqualTo(Duration.ofSeconds(10));
        assertThat(BundleWatcher.parseInterval("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> BundleWatcher.parseInterval("soon")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> BundleWatcher.parseInterval("-1s")).isInstanceOf(ConfigurationException.class);
    }
}

package io.writ.engine.evaluation;

import io.writ.rego.value.Json;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A broken bundle never replaces the good one; the reason is kept for /health. */
class EmbeddedPolicyEngineTest {
    @TempDir
    Path dir;

    private void write(String revision, String rego) throws Exception {
        Files.createDirectories(dir.resolve("writ"));
        Files.writeString(dir.resolve(".manifest"), "{\"revision\": \"" + revision + "\", \"roots\": [\"writ\"]}");
        Files.writeString(dir.resolve("writ/p.rego"), rego);
    }

    @Test
    void brokenBundleIsRejectedAndTheLastGoodOneStays() throws Exception {
        write("r1", "package writ\n\nanswer := 42\n");
        EmbeddedPolicyEngine engine = new EmbeddedPolicyEngine(dir.toString());
        assertThat(engine.revision()).isEqualTo("r1");
        assertThat(engine.evaluate("writ/answer", null)).isEqualTo(Value.of(42));

        write("r2", "package writ\n\nanswer := x\n");
        assertThat(engine.reload()).isFalse();
        assertThat(engine.revision()).isEqualTo("r1");
        assertThat(engine.lastError()).contains("p.rego:3:").contains("var x is unsafe");
        assertThat(engine.evaluate("writ/answer", Json.parse("{}"))).isEqualTo(Value.of(42));

        write("r3", "package writ\n\nanswer := 43\n");
        assertThat(engine.reload()).isTrue();
        assertThat(engine.revision()).isEqualTo("r3");
        assertThat(engine.lastError()).isNull();
    }

    @Test
    void aFixedClockIsThePoliciesNow() throws Exception {
        write("c1", "package writ\n\nnow := time.now_ns()\n");
        EmbeddedPolicyEngine engine = new EmbeddedPolicyEngine(dir.toString(), "2025-09-01T00:00:00Z");
        assertThat(engine.evaluate("writ/now", null)).isEqualTo(Value.of(1756684800L * 1_000_000_000L));
    }

    @Test
    void missingBundleLeavesNoneActiveWithAReason() {
        EmbeddedPolicyEngine engine = new EmbeddedPolicyEngine(dir.resolve("nope").toString());
        assertThat(engine.revision()).isNull();
        assertThat(engine.lastError()).contains("not a directory");
    }
}

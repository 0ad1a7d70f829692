package io.writ.engine.audit;

import io.writ.engine.tenants.Dossier;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code writ log verify} rebuilds decision inputs written as patches. The logs here are signed with a key of the
 * test's own, as an operator who holds the key could sign them: tree and signature check out, so only the inputs
 * can give a bad patch away.
 */
class LogVerifierInputsTest {
    static final LogKey KEY = LogKey.generate("test.local/audit");
    @TempDir
    Path dir;

    static final String D1 = "{\"tenant\": {\"id\": \"t1\"}, \"usage\": [{\"metric\": \"gb\", \"value\": 1}, {\"metric\": \"calls\", \"value\": 2}]}";
    static final String D2 = "{\"tenant\": {\"id\": \"t1\"}, \"usage\": [{\"metric\": \"gb\", \"value\": 1}, {\"metric\": \"calls\", \"value\": 3}]}";
    static final String D3 = "{\"tenant\": {\"id\": \"t1\"}, \"usage\": [{\"metric\": \"gb\", \"value\": 4}, {\"metric\": \"calls\", \"value\": 3}, {\"metric\": \"sms\", \"value\": 1}]}";

    static ObjectValue whole(String tenant, String decision, String input) {
        return entry(tenant, decision).put("input", Json.parse(input)).build();
    }

    static ObjectValue patch(String tenant, String decision, String base, String from, String to) {
        return entry(tenant, decision).put("input_base", StringValue.of(base))
                .put("input_patch", InputPatch.diff(Json.parse(from), Json.parse(to)))
                .put("input_sha256", StringValue.of(Dossier.sha256(Jcs.canonicalize(Json.parse(to))))).build();
    }

    static ObjectValue.Builder entry(String tenant, String decision) {
        return ObjectValue.builder().put("kind", StringValue.of("decision")).put("tenant", StringValue.of(tenant))
                .put("decision", StringValue.of(decision));
    }

    /** Writes the entries as an export with a checkpoint signed over them, verifies it and returns what it printed. */
    String verify(List<ObjectValue> entries, boolean ok) throws Exception {
        List<String> lines = new ArrayList<>();
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String canonical = Jcs.canonicalize(entries.get(i));
            lines.add("{\"index\": " + i + ", \"entry\": " + canonical + "}");
            leaves.add(ReferenceMerkle.leaf(canonical.getBytes(StandardCharsets.UTF_8)));
        }
        Path export = Files.writeString(dir.resolve("log.jsonl"), String.join("\n", lines) + "\n");
        Path cp = Files.writeString(dir.resolve("cp"), new Checkpoint(KEY.name(), entries.size(), ReferenceMerkle.mth(leaves)).sign(KEY));
        Path pub = Files.writeString(dir.resolve("pub"), KEY.verifier().toString());
        StringWriter out = new StringWriter();
        LogVerifier.Report r = LogVerifier.offline(export, cp, pub, null, new PrintWriter(out, true));
        assertThat(r.ok()).as(r.failure() + "\n" + out).isEqualTo(ok);
        return ok ? out.toString() : r.failure();
    }

    List<ObjectValue> chain(UnaryOperator<ObjectValue> third) {
        return new ArrayList<>(List.of(
                whole("t1", "d1", D1),
                whole("t2", "e1", "{\"tenant\": {\"id\": \"t2\"}}"),
                patch("t1", "d2", "d1", D1, D2),
                third.apply(patch("t1", "d3", "d2", D2, D3))));
    }

    @Test
    void patchesAreRebuiltFromTheTenantsPreviousDecisionAndChecked() throws Exception {
        String out = verify(chain(e -> e), true);
        assertThat(out).contains("decision inputs: 2 whole, 2 rebuilt from their patches");
    }

    @Test
    void aPatchThatDoesNotRebuildItsInputIsCaught() throws Exception {
        String wrongValue = verify(chain(e -> e.toBuilder().put("input_sha256",
                StringValue.of(Dossier.sha256(Jcs.canonicalize(Json.parse(D2))))).build()), false);
        assertThat(wrongValue).contains("entry 3 (decision d3)", "does not hash to its input_sha256");

        String broken = verify(chain(e -> e.toBuilder().put("input_patch", Json.parse(
                "[{\"op\": \"replace\", \"path\": \"/usage/7\", \"value\": 1}]")).build()), false);
        assertThat(broken).contains("entry 3 (decision d3): its input_patch does not apply", "/usage/7");
    }

    @Test
    void aPatchMustFollowTheTenantsPreviousDecision() throws Exception {
        // against an older decision of the tenant: the chain would skip d2
        String skipped = verify(chain(e -> patch("t1", "d3", "d1", D1, D3)), false);
        assertThat(skipped).contains("entry 3 (decision d3): holds its input as a patch against decision d1, which is not tenant t1's previous decision entry (that is decision d2)");
        // against another tenant's decision
        String other = verify(chain(e -> patch("t1", "d3", "e1", D2, D3)), false);
        assertThat(other).contains("against decision e1");
        // with nothing whole before it
        String first = verify(List.of(patch("t9", "x2", "x1", D1, D2)), false);
        assertThat(first).contains("not tenant t9's previous decision entry (there is none)");
    }
}

package io.writ.engine.audit;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.writ.engine.ApiTests;
import io.writ.engine.cli.Writ;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code writ log verify} against a running service and against exports an attacker has edited. */
@MicronautTest(environments = "test", transactional = false)
class LogVerifyCommandTest {
    @Inject
    EmbeddedServer server;
    @Inject
    ApplicationContext ctx;
    @Inject
    AuditLog log;
    @TempDir
    Path dir;

    final String auditor = ApiTests.token("ada", "auditor");
    Path key;

    record Run(int exit, String out) {
    }

    Run writ(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = Writ.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int exit = cli.execute(args);
        return new Run(exit, out.toString());
    }

    String get(String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + path))
                    .header("Authorization", "Bearer " + auditor).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        }
    }

    void grow(int entries) {
        for (int i = 0; i < entries; i++) {
            AuditFixtures.append(ctx, "test.cli", "{\"i\": " + i + ", \"x\": 0.1}");
        }
        log.sync();
    }

    @BeforeEach
    void publicKey() throws Exception {
        grow(3);
        key = Files.writeString(dir.resolve("log.pub"), get("/v1/log/public-key"));
    }

    Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    /** An export with its checkpoint, saved as an auditor would. */
    List<String> export(Path checkpointFile) throws Exception {
        String note = get("/v1/log/checkpoint");
        Files.writeString(checkpointFile, note);
        long size = Checkpoint.open(note, VerifierKey.parse(Files.readString(key))).size();
        return new ArrayList<>(get("/v1/log/export?to=" + size).lines().toList());
    }

    Run offline(List<String> lines, Path checkpoint, String... more) throws Exception {
        Path export = file("export.jsonl", String.join("\n", lines) + "\n");
        List<String> args = new ArrayList<>(List.of("log", "verify", "--export", export.toString(), "--checkpoint",
                checkpoint.toString(), "--public-key", key.toString()));
        args.addAll(List.of(more));
        return writ(args.toArray(String[]::new));
    }

    @Test
    void onlineTheLogVerifiesAndStillExtendsTheCheckpointSavedLastTime() throws Exception {
        Path saved = dir.resolve("last.checkpoint");
        Run first = writ("log", "verify", "--url", server.getURL().toString(), "--public-key", key.toString(),
                "--token", auditor, "--save-checkpoint", saved.toString());
        assertThat(first.exit()).as(first.out()).isZero();
        assertThat(first.out()).contains("signature by", "root recomputed: matches the checkpoint", "VERIFIED");
        grow(5);
        Run second = writ("log", "verify", "--url", server.getURL().toString(), "--public-key", key.toString(),
                "--token", auditor, "--previous", saved.toString());
        assertThat(second.exit()).as(second.out()).isZero();
        assertThat(second.out()).contains("the log still extends it", "consistency proof", "VERIFIED");
    }

    @Test
    void onlineWithoutATokenFails() {
        Run r = writ("log", "verify", "--url", server.getURL().toString(), "--public-key", key.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("401", "FAILED");
    }

    @Test
    void offlineAnUntouchedExportVerifies() throws Exception {
        Path cp = dir.resolve("cp");
        Run r = offline(export(cp), cp);
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("VERIFIED");
    }

    @Test
    void aModifiedEntryIsCaught() throws Exception {
        Path cp = dir.resolve("cp");
        List<String> lines = export(cp);
        int last = lines.size() - 1;
        assertThat(lines.get(last)).contains("\"x\":0.1");
        lines.set(last, lines.get(last).replace("\"x\":0.1", "\"x\":0.2"));
        Run r = offline(lines, cp);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("do not hash to the checkpoint's root", "FAILED");
    }

    @Test
    void aRemovedEntryIsCaught() throws Exception {
        Path cp = dir.resolve("cp");
        List<String> lines = export(cp);
        lines.remove(1);
        Run r = offline(lines, cp);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("where entry 1 belongs");

        // removed and renumbered, so that the indices look right: the root gives it away
        List<String> renumbered = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            renumbered.add(lines.get(i).replaceFirst("^\\{\"index\":\\d+,", "{\"index\":" + i + ","));
        }
        Run r2 = offline(renumbered, cp);
        assertThat(r2.exit()).isEqualTo(1);
        assertThat(r2.out()).contains("the entries end after");
    }

    @Test
    void reorderedEntriesAreCaught() throws Exception {
        Path cp = dir.resolve("cp");
        List<String> lines = export(cp);
        int a = lines.size() - 2;
        Collections.swap(lines, a, a + 1);
        Run r = offline(lines, cp);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("where entry " + a + " belongs");

        List<String> swapped = new ArrayList<>(lines);
        swapped.set(a, lines.get(a).replaceFirst("^\\{\"index\":\\d+,", "{\"index\":" + a + ","));
        swapped.set(a + 1, lines.get(a + 1).replaceFirst("^\\{\"index\":\\d+,", "{\"index\":" + (a + 1) + ","));
        Run r2 = offline(swapped, cp);
        assertThat(r2.exit()).isEqualTo(1);
        assertThat(r2.out()).contains("do not hash to the checkpoint's root");
    }

    @Test
    void anAppendedThenTruncatedLogIsCaught() throws Exception {
        Path early = dir.resolve("early");
        List<String> earlyLines = export(early);
        grow(4);
        Path late = dir.resolve("late");
        List<String> lateLines = export(late);
        assertThat(offline(lateLines, late, "--previous", early.toString()).exit()).isZero();

        // the operator later shows the log as it was before the last appends: an auditor holding the later checkpoint sees it
        Run truncated = offline(earlyLines, early, "--previous", late.toString());
        assertThat(truncated.exit()).isEqualTo(1);
        assertThat(truncated.out()).contains("the log shrank");

        // entries appended to an export after its checkpoint was signed
        List<String> padded = new ArrayList<>(earlyLines);
        padded.add(lateLines.get(earlyLines.size()));
        Run appended = offline(padded, early);
        assertThat(appended.exit()).isEqualTo(1);
        assertThat(appended.out()).contains("more entries than the checkpoint");

        // or the checkpoint's size edited to match: its signature no longer holds
        String note = Files.readString(early);
        Path forged = file("forged", note.replaceFirst("\n" + earlyLines.size() + "\n", "\n" + padded.size() + "\n"));
        Run forgedRun = offline(padded, forged);
        assertThat(forgedRun.exit()).isEqualTo(1);
        assertThat(forgedRun.out()).contains("signature");
    }

    @Test
    void aRewrittenHistoryIsCaughtAgainstTheEarlierCheckpoint() throws Exception {
        Path early = dir.resolve("early");
        List<String> earlyLines = export(early);
        grow(2);
        Path late = dir.resolve("late");
        List<String> lateLines = export(late);
        // an entry of the early part changed: the late checkpoint was signed over it, the early one was not
        int i = earlyLines.size() - 1;
        assertThat(lateLines.get(i)).contains("\"x\":0.1");
        List<String> rewritten = new ArrayList<>(lateLines);
        rewritten.set(i, lateLines.get(i).replace("\"x\":0.1", "\"x\":9"));
        Run r = offline(rewritten, late, "--previous", early.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED");
    }

    @Test
    void keygenWritesAKeyTheServiceCanLoadAndPrintsOnlyItsVerifierKey() throws Exception {
        Path file = dir.resolve("prod-signing-key");
        Run r = writ("log", "keygen", "--origin", "writ.example.com/audit", "--out", file.toString());
        assertThat(r.exit()).as(r.out()).isZero();
        VerifierKey printed = VerifierKey.parse(r.out().strip());
        String secret = Files.readString(file).strip();
        assertThat(LogKey.parse(secret).verifier()).isEqualTo(printed);
        // PRIVATE+KEY+<name>+<key id>+<base64 seed>: the seed's base64 may itself contain '+', so split at most 5 ways
        assertThat(secret).startsWith("PRIVATE+KEY+writ.example.com/audit+");
        assertThat(r.out()).doesNotContain(secret.split("\\+", 5)[4]);
        assertThat(java.nio.file.Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(writ("log", "keygen", "--origin", "writ.example.com/audit", "--out", file.toString()).exit()).isEqualTo(2);
        assertThat(Files.readString(file).strip()).isEqualTo(secret);
    }
}

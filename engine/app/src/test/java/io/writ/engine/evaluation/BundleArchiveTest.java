package io.writ.engine.evaluation;

import io.writ.rego.value.Json;
import io.writ.rego.value.Value;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** OPA bundle archives: what {@code opa build} writes loads; archives that reach outside the bundle do not. */
class BundleArchiveTest {
    @TempDir
    Path dir;

    /** Writes a .tar.gz; each pair is (entry name, content), a content of null makes a directory entry. */
    static Path tarGz(Path file, String... namesAndContents) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int i = 0; i < namesAndContents.length; i += 2) {
                String content = namesAndContents[i + 1];
                // preserveAbsolutePath: keep names exactly as given (commons-compress would strip the leading slash)
                TarArchiveEntry e = new TarArchiveEntry(namesAndContents[i], content == null
                        ? TarArchiveEntry.LF_DIR : TarArchiveEntry.LF_NORMAL, true);
                byte[] bytes = content == null ? new byte[0] : content.getBytes(StandardCharsets.UTF_8);
                e.setSize(bytes.length);
                tar.putArchiveEntry(e);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    static final String MANIFEST = "{\"revision\": \"tgz-1\", \"roots\": [\"writ\"]}";
    static final String POLICY = "package writ.aup\n\nlimit := data.writ.limit\n\nover if input.n > limit\n";

    @Test
    void opaBuildsLayoutLoads() throws Exception {
        // as opa build writes it: names from the bundle root with a leading slash, plus files this engine skips
        Path bundle = tarGz(dir.resolve("bundle.tar.gz"),
                "/data.json", "{\"writ\": {\"limit\": 10}}",
                "/writ/aup/policy.rego", POLICY,
                "/.signatures.json", "{\"signatures\": []}",
                "/policy.wasm", "\0asm",
                "/.manifest", MANIFEST);
        PolicyBundle b = PolicyBundle.load(bundle.toString());
        assertThat(b.revision()).isEqualTo("tgz-1");
        assertThat(b.policy().evaluate("writ/aup/over", Json.parse("{\"n\": 11}"), io.writ.rego.topdown.EvalOptions.DEFAULT))
                .isEqualTo(Value.of(true));
        assertThat(b.policy().evaluate("writ/aup/limit", null, io.writ.rego.topdown.EvalOptions.DEFAULT)).isEqualTo(Value.of(10));
    }

    @Test
    void relativeNamesAndDirectoryEntriesLoadToo() throws Exception {
        Path bundle = tarGz(dir.resolve("b.tgz"), "./", null, "writ/", null, "writ/aup/", null,
                "writ/aup/p.rego", POLICY, "writ/data.yaml", "limit: 3\n", ".manifest", MANIFEST);
        assertThat(new EmbeddedPolicyEngine(bundle.toString()).evaluate("writ/aup/limit", null)).isEqualTo(Value.of(3));
    }

    @Test
    void compileErrorsNameTheFileInsideTheArchive() throws Exception {
        Path bundle = tarGz(dir.resolve("broken.tar.gz"), "/writ/p.rego", "package writ\n\nanswer := x\n");
        assertThatThrownBy(() -> PolicyBundle.load(bundle.toString()))
                .hasMessageContaining(bundle + "!/writ/p.rego:3:")
                .hasMessageNotContaining("writ-bundle-");
    }

    @Test
    void entriesClimbingOutAreRefusedAndNothingIsWrittenOutside() throws Exception {
        Path inner = Files.createDirectories(dir.resolve("inner"));
        for (String evil : new String[]{"../evil.rego", "writ/../../evil.rego", "/../evil.rego"}) {
            Path bundle = tarGz(inner.resolve("b.tar.gz"), "/writ/p.rego", POLICY, evil, "package evil\n");
            assertThatThrownBy(() -> PolicyBundle.load(bundle.toString()))
                    .isInstanceOf(PolicyBundle.BundleException.class)
                    .hasMessageContaining("'" + evil + "' climbs out of the bundle");
        }
        Path absolute = tarGz(inner.resolve("abs.tar.gz"), "//etc/evil.rego", "package evil\n");
        assertThatThrownBy(() -> PolicyBundle.load(absolute.toString())).hasMessageContaining("is an absolute path");
        Path backslash = tarGz(inner.resolve("bs.tar.gz"), "..\\evil.rego", "package evil\n");
        assertThatThrownBy(() -> PolicyBundle.load(backslash.toString())).hasMessageContaining("forbidden character");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("inner");
        }
    }

    @Test
    void linksAreRefused() throws Exception {
        Path bundle = dir.resolve("link.tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bundle));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry link = new TarArchiveEntry("/writ/p.rego", TarArchiveEntry.LF_SYMLINK, true);
            link.setLinkName("/etc/passwd");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }
        assertThatThrownBy(() -> PolicyBundle.load(bundle.toString())).hasMessageContaining("'/writ/p.rego' is a link");
    }

    @Test
    void duplicateEntriesAreRefused() throws Exception {
        Path bundle = tarGz(dir.resolve("dup.tar.gz"), "/writ/p.rego", POLICY, "writ/p.rego", "package writ.aup\n");
        assertThatThrownBy(() -> PolicyBundle.load(bundle.toString())).hasMessageContaining("appears twice");
    }

    @Test
    void notAnArchiveOrTooLargeIsRefused() throws Exception {
        Path text = Files.writeString(dir.resolve("x.tar.gz"), "not gzip at all");
        assertThatThrownBy(() -> PolicyBundle.load(text.toString())).hasMessageContaining("x.tar.gz: not a readable .tar.gz");
        Path other = Files.writeString(dir.resolve("bundle.zip"), "PK");
        assertThatThrownBy(() -> PolicyBundle.load(other.toString())).hasMessageContaining("neither a directory nor an OPA bundle archive");

        Path huge = dir.resolve("huge.tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(huge));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry e = new TarArchiveEntry("/data.json", TarArchiveEntry.LF_NORMAL, true);
            long size = BundleArchive.MAX_BYTES + 1;
            e.setSize(size);
            tar.putArchiveEntry(e);
            byte[] zeros = new byte[1 << 20];
            for (long left = size; left > 0; left -= zeros.length) {
                tar.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
            tar.closeArchiveEntry();
        }
        assertThatThrownBy(() -> PolicyBundle.load(huge.toString())).hasMessageContaining("larger than 64 MiB unpacked");
    }

    @Test
    void onlyBundleFilesAreUnpacked() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        BundleArchive.extract(tarGz(dir.resolve("b.tar.gz"), "/writ/p.rego", POLICY, "/writ/notes.json", "{}",
                "/writ/data.json", "{}", "/.manifest", MANIFEST), out);
        try (var files = Files.walk(out)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> out.relativize(p).toString()))
                    .containsExactlyInAnyOrder("writ/p.rego", "writ/data.json", ".manifest");
        }
    }
}

package io.writ.policies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.writ.rego.Policy;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After {@code package}: target/writ-policies.tar.gz is an OPA bundle with exactly the bundle files, their
 * content unchanged, and it decides a scenario on its own.
 */
class BundleArchiveIT {
    private static final Path ARCHIVE = Path.of(System.getProperty("writ.bundle.archive",
            PolicyFiles.ROOT.resolve("target/writ-policies.tar.gz").toString()));

    @Test
    void archiveHoldsExactlyTheBundleFiles() throws IOException {
        Map<String, String> entries = readTarGz(ARCHIVE);

        assertThat(entries.keySet()).containsExactlyInAnyOrderElementsOf(PolicyFiles.bundleFiles());
        for (Map.Entry<String, String> e : entries.entrySet()) {
            assertThat(e.getValue()).as(e.getKey()).isEqualTo(Files.readString(PolicyFiles.ROOT.resolve(e.getKey())));
        }
        assertThat(new ObjectMapper().readTree(entries.get(".manifest")).path("roots").get(0).asText()).isEqualTo("writ");
    }

    @Test
    void archiveAloneDecidesTheMilitaryIntelligenceScenario() throws IOException {
        Map<String, String> entries = readTarGz(ARCHIVE);
        List<Policy.Source> sources = new ArrayList<>();
        entries.forEach((name, text) -> {
            if (name.endsWith(".rego")) {
                sources.add(new Policy.Source(name, text));
            }
        });
        ObjectMapper mapper = new ObjectMapper();
        Policy policy = Policy.compile(sources, mapper.readTree(entries.get("data.json")));
        JsonNode scenario = mapper.readTree(
                PolicyFiles.SCENARIOS.resolve("01-military-intelligence-intercepted-calls.json").toFile());

        JsonNode decision = policy.evaluate("data.writ.aup.decision", scenario.get("dossier"));

        assertThat(decision.path("verdict").asText()).isEqualTo("enforce");
        assertThat(decision.path("violations").get(0).path("scope").path("subscriptions").toString())
                .isEqualTo("[\"sub-intercept-archive\",\"sub-speech-pipeline\"]");
    }

    /** Regular files of a ustar/GNU tar.gz, name to UTF-8 text; "./" prefixes dropped. */
    static Map<String, String> readTarGz(Path file) throws IOException {
        assertThat(file).exists();
        Map<String, String> out = new TreeMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            byte[] header = new byte[512];
            String longName = null;
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                long size = Long.parseLong(field(header, 124, 12).trim(), 8);
                char type = (char) header[156];
                byte[] body = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (type == 'L') {
                    longName = new String(body, StandardCharsets.UTF_8).replace("\0", "");
                    continue;
                }
                String full = longName != null ? longName : prefix.isEmpty() ? name : prefix + "/" + name;
                longName = null;
                if (type == '0' || type == '\0') {
                    out.put(full.startsWith("./") ? full.substring(2) : full.startsWith("/") ? full.substring(1) : full,
                            new String(body, StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static String field(byte[] header, int offset, int length) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = offset; i < offset + length && header[i] != 0; i++) {
            b.write(header[i]);
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}

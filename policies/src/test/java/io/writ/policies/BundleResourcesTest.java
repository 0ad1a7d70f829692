package io.writ.policies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.writ.rego.Policy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar carries the OPA bundle under {@code writ-bundle/} for the service: the manifest, data.json and
 * every policy file except the tests. Loaded from the classpath alone, it must compile and decide.
 */
class BundleResourcesTest {
    private static final String PREFIX = "writ-bundle/";

    @Test
    void everyBundleFileIsOnTheClasspathWithTheSourceContent() throws IOException {
        List<String> files = PolicyFiles.bundleFiles();
        assertThat(files).contains(".manifest", "data.json", "writ/aup/decision.rego", "writ/aup/lib.rego");
        assertThat(files).filteredOn(f -> f.startsWith("writ/aup/rules/")).hasSizeGreaterThanOrEqualTo(7);
        for (String f : files) {
            assertThat(resource(f)).as(PREFIX + f).isEqualTo(Files.readString(PolicyFiles.ROOT.resolve(f)));
        }
    }

    @Test
    void testsAreNotInTheBundle() {
        assertThat(getClass().getClassLoader().getResource(PREFIX + "writ/aup/decision_test.rego")).isNull();
        assertThat(getClass().getClassLoader().getResource(PREFIX + "writ/aup/rules/mass_surveillance_test.rego")).isNull();
    }

    @Test
    void manifestNamesTheWritRoot() throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(resource(".manifest"));
        assertThat(manifest.path("revision").asText()).isNotBlank();
        assertThat(manifest.path("roots")).hasSize(1);
        assertThat(manifest.path("roots").get(0).asText()).isEqualTo("writ");
    }

    @Test
    void theClasspathBundleAloneCompilesAndDecides() throws IOException {
        List<Policy.Source> sources = new ArrayList<>();
        for (String f : PolicyFiles.bundleFiles()) {
            if (f.endsWith(".rego")) {
                sources.add(new Policy.Source(PREFIX + f, resource(f)));
            }
        }
        Policy policy = Policy.compile(sources, new ObjectMapper().readTree(resource("data.json")));

        JsonNode none = policy.evaluate("data.writ.aup.decision", new ObjectMapper().readTree("{\"tenant\": {\"id\": \"t\", \"segment\": \"smb\"}}"));
        assertThat(none.path("verdict").asText()).isEqualTo("allow");
        assertThat(none.path("violations")).isEmpty();
    }

    private String resource(String file) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(PREFIX + file)) {
            assertThat(in).as("classpath resource %s%s", PREFIX, file).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

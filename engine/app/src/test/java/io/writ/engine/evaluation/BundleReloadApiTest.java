package io.writ.engine.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.writ.engine.ApiTests;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Through the running service, on a .tar.gz bundle polled every 100 ms: a good change is swapped in, a broken
 * one is rejected while the old revision keeps answering, and {@code /health} says why.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BundleReloadApiTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    final Path archive = archive("v1", "\"allow\"");

    @Inject
    @Client("/")
    HttpClient client;

    private static Path archive(String revision, String verdict) {
        try {
            Path dir = Files.createTempDirectory("writ-reload-test");
            dir.toFile().deleteOnExit();
            return write(dir.resolve("bundle.tar.gz"), revision, verdict);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path target, String revision, String verdict) throws IOException {
        Path tmp = target.resolveSibling("next.tar.gz");
        BundleArchiveTest.tarGz(tmp, "/.manifest", "{\"revision\": \"" + revision + "\"}",
                "/writ/aup/decision.rego", "package writ.aup\n\ndecision := {\"verdict\": " + verdict
                        + ", \"violations\": [], \"requires_approval\": false}\n");
        // replaced in one step, as a deployment would, so that a poll never reads half an archive
        return Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of("writ.policy.bundle", archive.toString(), "writ.policy.reload-interval", "100ms");
    }

    private JsonNode health() throws Exception {
        // /health is 200 while a good revision is active, even after a rejected change
        return JSON.readTree(client.toBlocking().exchange(HttpRequest.GET("/health"), String.class).body());
    }

    private String verdict() throws Exception {
        String token = ApiTests.token("pipe", "pipeline");
        return JSON.readTree(client.toBlocking().exchange(HttpRequest.POST("/v1/evaluations", "{}")
                .contentType("application/json").bearerAuth(token), String.class).body()).get("verdict").asText();
    }

    private JsonNode awaitHealth(Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode h = health();
        while (!condition.test(h) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            h = health();
        }
        return h;
    }

    @Test
    void changesAreSwappedInAndBrokenOnesRejected() throws Exception {
        assertThat(health().at("/details/policy/details/revision").asText()).isEqualTo("v1");
        assertThat(verdict()).isEqualTo("allow");

        write(archive, "v2", "\"review\"");
        JsonNode h = awaitHealth(j -> j.at("/details/policy/details/revision").asText().equals("v2"));
        assertThat(h.at("/details/policy/details/revision").asText()).isEqualTo("v2");
        assertThat(verdict()).isEqualTo("review");

        write(archive, "v3", "not_defined_anywhere");
        h = awaitHealth(j -> j.at("/details/policy/details").has("last_error"));
        assertThat(h.at("/status").asText()).isEqualTo("UP");
        assertThat(h.at("/details/policy/details/revision").asText()).isEqualTo("v2");
        assertThat(h.at("/details/policy/details/last_error").asText())
                .contains("bundle.tar.gz!/writ/aup/decision.rego:3:").contains("not_defined_anywhere");
        assertThat(verdict()).as("the last good revision keeps answering").isEqualTo("review");
    }
}

package io.writ.engine.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every scenario of the acceptable-use policy (policies/scenarios) through {@code POST /v1/evaluations},
 * with the bundle the service ships (classpath:writ-bundle from the policies module).
 */
@MicronautTest(environments = "test")
@Property(name = "writ.policy.bundle", value = "classpath:writ-bundle")
@Property(name = "writ.policy.now", value = "2025-09-01T00:00:00Z") // the day the scenarios are written for
class ScenarioApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path SCENARIOS = Path.of("../../policies/scenarios");

    @Inject
    @Client("/")
    HttpClient client;

    @org.junit.jupiter.api.Test
    void explainSaysWhichIndicatorsFired() throws IOException {
        JsonNode scenario = JSON.readTree(SCENARIOS.resolve("01-military-intelligence-intercepted-calls.json").toFile());
        JsonNode plain = JSON.readTree(client.toBlocking().retrieve(HttpRequest.POST("/v1/evaluations",
                scenario.get("dossier").toString()).contentType("application/json")
                .bearerAuth(EvaluationApiTest.token("pipeline")), String.class));
        assertThat(plain.has("explain")).isFalse();
        JsonNode explained = JSON.readTree(client.toBlocking().retrieve(HttpRequest.POST("/v1/evaluations?explain=true",
                scenario.get("dossier").toString()).contentType("application/json")
                .bearerAuth(EvaluationApiTest.token("pipeline")), String.class));
        assertThat(explained.get("verdict")).isEqualTo(plain.get("verdict"));
        JsonNode ms = explained.at("/explain/rules/mass_surveillance");
        assertThat(ms.isObject()).as("mass_surveillance in %s", explained.get("explain")).isTrue();
        assertThat(ms.get("violations").size()).isEqualTo(1);
        assertThat(explained.at("/explain/rules/csam").isObject()).isTrue();
        assertThat(explained.at("/explain/rules/csam/violations").isMissingNode()).isTrue(); // nothing fired there
    }

    @TestFactory
    Stream<DynamicTest> scenariosDecideAsExpectedOverHttp() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(SCENARIOS)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(20);
        String token = EvaluationApiTest.token("pipeline");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            JsonNode scenario = JSON.readTree(f.toFile());
            String body = client.toBlocking().retrieve(HttpRequest.POST("/v1/evaluations",
                    scenario.get("dossier").toString()).contentType("application/json").bearerAuth(token), String.class);
            JsonNode decision = JSON.readTree(body);
            JsonNode expect = scenario.get("expect");
            assertThat(decision.get("verdict").asText()).as("verdict").isEqualTo(expect.get("verdict").asText());
            TreeSet<String> rules = new TreeSet<>();
            TreeSet<String> scope = new TreeSet<>();
            for (JsonNode v : decision.get("violations")) {
                rules.add(v.get("rule").asText());
                v.at("/scope/subscriptions").forEach(s -> scope.add(s.asText()));
            }
            TreeSet<String> wantRules = new TreeSet<>();
            expect.get("rules").forEach(r -> wantRules.add(r.asText()));
            TreeSet<String> wantScope = new TreeSet<>();
            expect.get("scope").forEach(s -> wantScope.add(s.asText()));
            assertThat(rules).as("rules").isEqualTo(wantRules);
            assertThat(scope).as("scope").isEqualTo(wantScope);
        }));
    }
}

package io.writ.policies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.writ.rego.topdown.EvalOptions;
import io.writ.rego.value.Json;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each file in scenarios/ is a realistic dossier with the decision it must get: verdict, the rules with a
 * violation, and the subscriptions in scope across violations. Evaluated with strict built-in errors.
 */
class ScenariosTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * The scenarios are dated summer 2025; warrants and authorisations are judged as of 1 September 2025
     * so that an expiry date in a scenario cannot turn its expected decision as the years pass.
     */
    static final EvalOptions OPTIONS = EvalOptions.DEFAULT.withStrict(true)
            .withNow(java.time.Instant.parse("2025-09-01T00:00:00Z").getEpochSecond() * 1_000_000_000L);
    private static final Pattern SENTENCE_END = Pattern.compile("\\.(\\s|$)");
    private static final List<String> VERDICTS = List.of("allow", "monitor", "review", "enforce");
    private static final Set<String> ACTIONS = Set.of(
            "disable-subscription", "deny-service", "isolate-resource", "lock-resource", "revoke-access", "notify");

    static List<Path> scenarioFiles() throws IOException {
        try (Stream<Path> s = Files.list(PolicyFiles.SCENARIOS)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void thereAreAtLeastTwentyScenarios() throws IOException {
        assertThat(scenarioFiles()).hasSizeGreaterThanOrEqualTo(20);
    }

    /** The hard negatives of issue 4 (legitimate heavy users) must never reach review, whatever is edited. */
    @Test
    void hardNegativesNeverReachReview() throws IOException {
        List<Path> hardNegatives = new java.util.ArrayList<>();
        for (Path file : scenarioFiles()) {
            JsonNode scenario = MAPPER.readTree(file.toFile());
            if (!scenario.path("description").asText().startsWith("Hard negative")) {
                continue;
            }
            hardNegatives.add(file);
            Value result = PolicyFiles.policy().evaluate("data.writ.aup.decision",
                    Json.fromNode(scenario.get("dossier")), OPTIONS);
            assertThat(result.toJson().path("verdict").asText()).as(file.getFileName().toString()).isIn("allow", "monitor");
        }
        assertThat(hardNegatives).hasSize(7);
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioGetsItsExpectedDecision() throws IOException {
        return scenarioFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            JsonNode scenario = MAPPER.readTree(file.toFile());
            JsonNode expect = scenario.get("expect");
            assertThat(scenario.path("description").asText()).as("description").isNotBlank();

            Value result = PolicyFiles.policy().evaluate("data.writ.aup.decision",
                    Json.fromNode(scenario.get("dossier")), OPTIONS);
            assertThat(result).as("decision is defined").isNotNull();
            JsonNode decision = result.toJson();

            assertThat(decision.path("verdict").asText()).as("verdict; decision: %s", decision)
                    .isEqualTo(expect.path("verdict").asText());
            assertThat(rules(decision)).as("rules; decision: %s", decision).isEqualTo(strings(expect.path("rules")));
            assertThat(scope(decision)).as("scope; decision: %s", decision).isEqualTo(strings(expect.path("scope")));
            assertWellFormed(decision);
        }));
    }

    /** The shape DESIGN §5 promises, for every decision the scenarios produce. */
    private static void assertWellFormed(JsonNode decision) {
        String verdict = decision.path("verdict").asText();
        assertThat(VERDICTS).contains(verdict);
        assertThat(decision.path("requires_approval").asBoolean())
                .isEqualTo(VERDICTS.indexOf(verdict) >= VERDICTS.indexOf("review"));
        int highest = 0;
        for (JsonNode v : decision.path("violations")) {
            for (String field : List.of("rule", "clause", "severity", "verdict", "confidence", "indicators",
                    "evidence", "scope", "actions", "explanation")) {
                assertThat(v.has(field)).as("%s has %s", v.path("rule").asText(), field).isTrue();
            }
            highest = Math.max(highest, VERDICTS.indexOf(v.path("verdict").asText()));
            Set<String> scope = strings(v.path("scope").path("subscriptions"));
            for (JsonNode a : v.path("actions")) {
                assertThat(ACTIONS).contains(a.path("action").asText());
                assertThat(scope).as("action %s stays within scope", a).contains(a.path("subscription").asText());
            }
            for (JsonNode e : v.path("evidence")) {
                assertThat(e.path("kind").asText()).isNotBlank();
                assertThat(e.path("detail").asText()).isNotBlank();
                assertThat(e.has("index") || e.has("id")).as("evidence %s points at a dossier entry", e).isTrue();
            }
            String explanation = v.path("explanation").asText();
            long sentences = SENTENCE_END.matcher(explanation).results().count();
            assertThat(explanation).as("explanation of %s ends a sentence", v.path("rule").asText()).endsWith(".");
            assertThat(sentences).as("sentences in: %s", explanation).isBetween(1L, 3L);
        }
        assertThat(verdict).isEqualTo(VERDICTS.get(highest));
    }

    private static Set<String> rules(JsonNode decision) {
        Set<String> out = new TreeSet<>();
        decision.path("violations").forEach(v -> out.add(v.path("rule").asText()));
        return out;
    }

    private static Set<String> scope(JsonNode decision) {
        Set<String> out = new TreeSet<>();
        decision.path("violations").forEach(v -> out.addAll(strings(v.path("scope").path("subscriptions"))));
        return out;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new TreeSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}

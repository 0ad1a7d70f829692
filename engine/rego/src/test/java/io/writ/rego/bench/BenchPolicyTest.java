package io.writ.rego.bench;

import io.writ.rego.Policy;
import io.writ.rego.topdown.EvalOptions;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark measures a real decision: pin down what the benchmark policy decides on its input. */
class BenchPolicyTest {

    @Test
    void benchmarkInputIsAboutTwentyKilobytesAndYieldsAnEnforcement() throws Exception {
        String json = Dossiers.json(20);
        assertThat(json.length()).isBetween(15_000, 25_000);
        Policy policy = DecisionBenchmark.benchPolicy();
        ObjectValue decision = (ObjectValue) policy.evaluate(DecisionBenchmark.DECISION, Json.parse(json), EvalOptions.DEFAULT);
        assertThat(decision.get("verdict")).isEqualTo(Value.of("enforce"));
        assertThat(decision.get("requires_approval")).isEqualTo(Value.of(true));
        ObjectValue violation = (ObjectValue) ((io.writ.rego.value.ArrayValue) decision.get("violations")).get(0);
        assertThat(violation.get("indicators").toRego()).contains("state-security-actor");
        assertThat(violation.get("explanation").toString()).contains("Tenant tnt-001 (government-intelligence)");
        assertThat(((io.writ.rego.value.SetValue) violation.get("actions")).size()).isGreaterThan(0);
    }

    @Test
    void ruleCountIsRealistic() throws Exception {
        long rules = DecisionBenchmark.benchPolicy().modules().get(0).rules().size();
        assertThat(rules).isBetween(45L, 70L);
    }
}

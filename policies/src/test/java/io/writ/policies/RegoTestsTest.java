package io.writ.policies;

import io.writ.rego.tester.TestRunner;
import io.writ.rego.topdown.EvalOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs every test_ rule of the policy, as {@code writ test policies/writ policies/data.json} does. */
class RegoTestsTest {

    /** One package per rule, each with its own tests. */
    private static final List<String> RULE_PACKAGES = List.of(
            "mass_surveillance", "biometric_public", "malware", "cryptomining", "spam", "sanctions", "csam");

    @Test
    void everyRegoTestPasses() {
        List<TestRunner.Result> results = TestRunner.run(PolicyFiles.policy(), null, EvalOptions.DEFAULT.withStrict(true));

        assertThat(results.size()).as("number of Rego tests").isGreaterThanOrEqualTo(90);
        assertThat(results)
                .filteredOn(r -> r.outcome() != TestRunner.Outcome.PASS)
                .extracting(r -> r.name() + " " + r.outcome() + " at " + r.location()
                        + (r.message() == null ? "" : ": " + r.message()))
                .isEmpty();
    }

    @Test
    void everyRuleAndTheDecisionHaveTests() {
        Map<String, Long> perPackage = TestRunner.run(PolicyFiles.policy(), null, EvalOptions.DEFAULT).stream()
                .collect(Collectors.groupingBy(r -> r.name().substring(0, r.name().lastIndexOf('.')), Collectors.counting()));

        for (String rule : RULE_PACKAGES) {
            assertThat(perPackage.getOrDefault("data.writ.aup.rules." + rule + "_test", 0L))
                    .as("tests for rule package %s", rule)
                    .isGreaterThanOrEqualTo(6);
        }
        assertThat(perPackage.getOrDefault("data.writ.aup.decision_test", 0L)).isGreaterThanOrEqualTo(4);
    }
}

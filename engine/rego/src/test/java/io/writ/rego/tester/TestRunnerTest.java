package io.writ.rego.tester;

import io.writ.rego.Policy;
import io.writ.rego.topdown.EvalOptions;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class TestRunnerTest {

    @Test
    void passFailErrorAndSkipWithPositionsAndOutput() {
        Policy p = Policy.compile(List.of(new Policy.Source("x_test.rego", """
                package x

                test_pass if {
                    print("checking")
                    1 + 1 == 2
                }

                test_fail if 1 == 2

                todo_test_later if false
                """)), (Value) null);
        List<TestRunner.Result> rs = TestRunner.run(p, null, EvalOptions.DEFAULT);
        assertThat(rs).extracting(TestRunner.Result::name, TestRunner.Result::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("data.x.test_pass", TestRunner.Outcome.PASS),
                org.assertj.core.groups.Tuple.tuple("data.x.test_fail", TestRunner.Outcome.FAIL),
                org.assertj.core.groups.Tuple.tuple("data.x.todo_test_later", TestRunner.Outcome.SKIP));
        assertThat(rs.get(0).output()).containsExactly("checking");
        assertThat(rs.get(1).location().toString()).isEqualTo("x_test.rego:8:1");
        assertThat(TestRunner.run(p, Pattern.compile("fail$"), EvalOptions.DEFAULT)).hasSize(1);
    }

    @Test
    void evaluationErrorsAreErrorsNotFailures() {
        Policy p = Policy.compile(List.of(new Policy.Source("e_test.rego", """
                package e

                v := 1 if input.a
                v := 2 if input.a

                test_conflict if v == 1 with input as {"a": true}
                """)), (Value) null);
        TestRunner.Result r = TestRunner.run(p, null, EvalOptions.DEFAULT).get(0);
        assertThat(r.outcome()).isEqualTo(TestRunner.Outcome.ERROR);
        assertThat(r.message()).contains("eval_conflict_error");
    }
}

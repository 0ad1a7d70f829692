package io.writ.rego;

import io.writ.rego.topdown.EvalOptions;
import io.writ.rego.value.Json;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Comprehensions filtered by {@code x == outer} are evaluated once and looked up; the results must be
 * exactly what evaluating them per outer value gives.
 */
class ComprehensionIndexTest {
    static final Value INPUT = Json.parse("""
            {"rows": [{"k": "a", "n": 1}, {"k": "b", "n": 2}, {"k": "a", "n": 3}, {"k": "a", "n": 1},
                      {"k": "c", "n": 0}, {"k": "b", "n": 5}],
             "tags": [{"t": ["x", "y", "x"], "n": 7}, {"t": ["y"], "n": 8}]}""");

    static Value eval(String rule, String rules, EvalOptions opts) {
        Policy p = Policy.compile(List.of(new Policy.Source("t.rego", "package t\n\nimport rego.v1\n\n" + rules)), (Value) null);
        return p.evaluate("data.t." + rule, INPUT, opts);
    }

    @Test
    void arraysKeepOrderAndDuplicatesPerKey() {
        Value v = eval("by", """
                keys := {r.k | some r in input.rows}
                by[k] := [r.n | some r in input.rows; r.k == k] if some k in keys
                """, EvalOptions.DEFAULT);
        assertThat(v.toJsonString()).isEqualTo("{\"a\":[1,3,1],\"b\":[2,5],\"c\":[0]}");
    }

    @Test
    void setsObjectsAndMissingKeys() {
        Value v = eval("out", """
                out := {k: {"set": {r.n | some r in input.rows; r.k == k}, "obj": {r.n: true | some r in input.rows; k == r.k}} |
                    some k in ["a", "z"]
                }
                """, EvalOptions.DEFAULT);
        assertThat(v.toJsonString()).isEqualTo("{\"a\":{\"obj\":{\"1\":true,\"3\":true},\"set\":[1,3]},\"z\":{\"obj\":{},\"set\":[]}}");
    }

    @Test
    void multiValuedKeysCountEachMatch() {
        Value v = eval("hits", "hits := [count([r.n | some r in input.tags; r.t[_] == t]) | some t in [\"x\", \"y\"]]\n",
                EvalOptions.DEFAULT);
        assertThat(v.toJsonString()).isEqualTo("[2,2]");
    }

    @Test
    void errorsInGroupsNobodyAsksForAreNotRaised() {
        // dividing by n fails for the "c" row; asking only for "a" must not see that error, even when strict
        Value v = eval("q", "q := [10 / r.n | some r in input.rows; r.k == k] if k := \"a\"\n",
                EvalOptions.DEFAULT.withStrict(true));
        assertThat(v.toJsonString()).isEqualTo("[10,3.3333333333333333333,10]");
        assertThatThrownBy(() -> eval("q", "q := [10 / r.n | some r in input.rows; r.k == k] if k := \"c\"\n",
                EvalOptions.DEFAULT.withStrict(true)))
                .isInstanceOfSatisfying(RegoEvalException.class, e -> assertThat(e.code()).isEqualTo("eval_builtin_error"));
    }

    @Test
    void objectConflictsInsideOneGroupStillConflict() {
        assertThatThrownBy(() -> eval("o", "o := {r.k: r.n | some r in input.rows; r.k == k} if k := \"a\"\n",
                EvalOptions.DEFAULT))
                .isInstanceOfSatisfying(RegoEvalException.class, e -> assertThat(e.code()).isEqualTo("eval_conflict_error"));
    }
}

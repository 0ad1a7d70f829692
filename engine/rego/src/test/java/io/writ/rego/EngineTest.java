package io.writ.rego;

import com.fasterxml.jackson.databind.JsonNode;
import io.writ.rego.topdown.EvalOptions;
import io.writ.rego.value.Json;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedding API and language behaviour the conformance suite does not pin down. */
class EngineTest {

    static Policy policy(String src) {
        return Policy.compile(List.of(new Policy.Source("t.rego", src)), (Value) null);
    }

    @Test
    void evaluatesDocumentsFromJacksonInput() throws Exception {
        Policy p = policy("""
                package t

                default allow := false

                allow if input.user.role == "admin"

                deny contains msg if {
                    some r in input.requests
                    r.size > 10
                    msg := sprintf("request %s too large", [r.id])
                }
                """);
        JsonNode in = Json.MAPPER.readTree("""
                {"user": {"role": "admin"}, "requests": [{"id": "b", "size": 11}, {"id": "a", "size": 12}, {"id": "c", "size": 1}]}""");
        assertThat(p.evaluate("data.t.allow", in).booleanValue()).isTrue();
        assertThat(p.evaluate("data.t.deny", in).toString())
                .isEqualTo("[\"request a too large\",\"request b too large\"]");
        assertThat(p.evaluate("t/allow", Json.MAPPER.readTree("{}")).booleanValue()).isFalse();
        assertThat(p.evaluate("data.t.nothing", in)).isNull();
    }

    @Test
    void undefinedAndFalseStayApart() {
        Policy p = policy("package t\n\nf := false\n\nu if input.missing\n");
        assertThat(p.evaluate("data.t.f", null, EvalOptions.DEFAULT)).isEqualTo(Value.of(false));
        assertThat(p.evaluate("data.t.u", null, EvalOptions.DEFAULT)).isNull();
        assertThat(p.query("data.t.u = x", null, EvalOptions.DEFAULT)).isEmpty();
    }

    @Test
    void largeIntegersStayExactAndDecimalsAreNotRounded() {
        Policy p = policy("package t\n\nbig := 123456789012345678901234567890 * 10\n\nsum := 0.1 + 0.2\n");
        assertThat(p.evaluate("data.t.big", null, EvalOptions.DEFAULT).toString())
                .isEqualTo("1234567890123456789012345678900");
        assertThat(p.evaluate("data.t.sum", null, EvalOptions.DEFAULT).toString()).isEqualTo("0.3");
    }

    @Test
    void setsAndObjectKeysPrintSorted() {
        Policy p = policy("package t\n\ns := {\"b\", \"a\", 3, [1], {\"z\": 1, \"y\": 2}}\n");
        assertThat(p.evaluate("data.t.s", null, EvalOptions.DEFAULT).toRego())
                .isEqualTo("{3, \"a\", \"b\", [1], {\"y\": 2, \"z\": 1}}");
    }

    @Test
    void withReplacesInputDataAndFunctions() {
        Policy p = policy("""
                package t

                limit := 10

                over if input.n > limit

                double(x) := x * 2

                twice := double(input.n)

                a if over with input as {"n": 11}
                b if not over with input as {"n": 11} with data.t.limit as 20
                c := v if v := twice with input.n as 4 with double as triple
                triple(x) := x * 3
                """);
        assertThat(p.evaluate("data.t.a", null, EvalOptions.DEFAULT)).isEqualTo(Value.of(true));
        assertThat(p.evaluate("data.t.b", null, EvalOptions.DEFAULT)).isEqualTo(Value.of(true));
        assertThat(p.evaluate("data.t.c", null, EvalOptions.DEFAULT)).isEqualTo(Value.of(12));
    }

    @Test
    void printGoesToTheConfiguredSink() {
        Policy p = policy("package t\n\np if {\n  print(\"hello\", input.x, input.missing)\n}\n");
        List<String> lines = new ArrayList<>();
        p.evaluate("data.t.p", Json.parse("{\"x\": [1]}"),
                EvalOptions.DEFAULT.withPrintSink((loc, line) -> lines.add(loc.line() + ": " + line)));
        assertThat(lines).containsExactly("4: hello [1] <undefined>");
    }

    @Test
    void conflictsAreEvalConflictErrors() {
        Policy p = policy("package t\n\nx := 1 if input.a\n\nx := 2 if input.b\n");
        assertThat(p.evaluate("data.t.x", Json.parse("{\"a\": true}"), EvalOptions.DEFAULT)).isEqualTo(Value.of(1));
        assertThatThrownBy(() -> p.evaluate("data.t.x", Json.parse("{\"a\": true, \"b\": true}"), EvalOptions.DEFAULT))
                .isInstanceOfSatisfying(RegoEvalException.class, e -> assertThat(e.code()).isEqualTo("eval_conflict_error"));
    }

    @Test
    void strictBuiltinErrorsAreOptional() {
        Policy p = policy("package t\n\nx := 1 / input.d\n");
        Value in = Json.parse("{\"d\": 0}");
        assertThat(p.evaluate("data.t.x", in, EvalOptions.DEFAULT)).isNull();
        assertThatThrownBy(() -> p.evaluate("data.t.x", in, EvalOptions.DEFAULT.withStrict(true)))
                .isInstanceOfSatisfying(RegoEvalException.class, e -> {
                    assertThat(e.code()).isEqualTo("eval_builtin_error");
                    assertThat(e.getMessage()).startsWith("t.rego:3: eval_builtin_error: div: divide by zero");
                });
    }

    @Test
    void runawayPoliciesStopAtTheLimits() {
        Policy p = policy("package t\n\nn := count([x | some x in numbers.range(1, 100000); x % 7 == 0])\n");
        assertThatThrownBy(() -> p.evaluate("data.t.n", null, EvalOptions.DEFAULT.withLimits(1_000, 100, 0)))
                .isInstanceOfSatisfying(RegoEvalException.class, e -> {
                    assertThat(e.code()).isEqualTo("eval_limit_error");
                    assertThat(e.detail()).contains("1000 steps");
                });
        assertThat(p.evaluate("data.t.n", null, EvalOptions.DEFAULT)).isEqualTo(Value.of(14285));
    }

    @Test
    void wallTimeLimitStopsEvaluation() {
        Policy p = policy("package t\n\nn := count([1 | some x in numbers.range(1, 2000); some y in numbers.range(1, 2000)])\n");
        assertThatThrownBy(() -> p.evaluate("data.t.n", null, EvalOptions.DEFAULT.withLimits(Long.MAX_VALUE, 100, 1_000_000)))
                .isInstanceOfSatisfying(RegoEvalException.class, e -> assertThat(e.detail()).contains("time limit"));
    }

    @Test
    void oneCompiledPolicyServesManyThreads() throws Exception {
        Policy p = policy("package t\n\nscore := sum([v | some v in input.values]) * input.k\n");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 200; t++) {
                int k = t;
                results.add(pool.submit(() -> p.evaluate("data.t.score",
                        Json.parse("{\"values\": [1, 2, 3], \"k\": " + k + "}"), EvalOptions.DEFAULT).equals(Value.of(6L * k))));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void queriesReturnBindings() {
        Policy p = policy("package t\n\nroles := {\"alice\": \"admin\", \"bob\": \"dev\"}\n");
        List<Map<String, Value>> rs = p.query("data.t.roles[name] = \"dev\"", null, EvalOptions.DEFAULT);
        assertThat(rs).hasSize(1);
        assertThat(rs.get(0)).containsEntry("name", Value.of("bob"));
    }

    @Test
    void timeNowIsFixedWithinOneEvaluation() {
        Policy p = policy("package t\n\nsame if {\n  a := time.now_ns()\n  count([1 | some _ in numbers.range(1, 1000)])\n  a == time.now_ns()\n}\n");
        assertThat(p.evaluate("data.t.same", null, EvalOptions.DEFAULT)).isEqualTo(Value.of(true));
    }
}

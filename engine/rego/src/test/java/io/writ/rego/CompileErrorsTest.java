package io.writ.rego;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Compile-time checks report every problem with its position, never a stack trace. */
class CompileErrorsTest {

    private static RegoCompileException compileFails(String... modules) {
        List<Policy.Source> sources = new java.util.ArrayList<>();
        for (int i = 0; i < modules.length; i++) {
            sources.add(new Policy.Source("m" + i + ".rego", modules[i]));
        }
        try {
            Policy.compile(sources, (io.writ.rego.value.Value) null);
        } catch (RegoCompileException e) {
            return e;
        }
        throw new AssertionError("expected a compile error");
    }

    @Test
    void parseErrorHasFileLineAndColumn() {
        RegoCompileException e = compileFails("package p\n\nallow if {\n  x := [1, 2\n}\n");
        assertThat(e.errors()).hasSize(1);
        assertThat(e.errors().get(0).toString()).startsWith("m0.rego:5:1: rego_parse_error:");
    }

    @Test
    void severalBrokenRulesInOneFileAreAllReported() {
        RegoCompileException e = compileFails("package p\n\na := [1,\n\nb := 2\n\nc := {\"k\" 1}\n\nd := 3\n");
        assertThat(e.errors()).extracting(Object::toString).containsExactly(
                "m0.rego:5:3: rego_parse_error: unexpected := token, expected ]",
                "m0.rego:7:11: rego_parse_error: unexpected number token, expected }");
    }

    @Test
    void ruleBodyWithoutIfIsRejectedAsInOpaV1() {
        RegoCompileException e = compileFails("package p\n\nallow {\n  true\n}\n");
        assertThat(e.getMessage()).contains("m0.rego:3:7: rego_parse_error: `if` keyword is required before rule body");
    }

    @Test
    void unsafeVariablesAreAllReported() {
        RegoCompileException e = compileFails("package p\n\nallow if {\n  x > 1\n  y < z\n}\n");
        assertThat(e.errors()).extracting(Object::toString).containsExactlyInAnyOrder(
                "m0.rego:4:3: rego_unsafe_var_error: var x is unsafe",
                "m0.rego:5:3: rego_unsafe_var_error: var y is unsafe",
                "m0.rego:5:3: rego_unsafe_var_error: var z is unsafe");
    }

    @Test
    void unknownFunctionAndWrongArityAreTypeErrors() {
        RegoCompileException e = compileFails("package p\n\na if no_such_fn(1)\n\nb if count(1, 2, 3)\n");
        assertThat(e.errors()).extracting(Object::toString).anySatisfy(s ->
                assertThat(s).isEqualTo("m0.rego:3:6: rego_type_error: undefined function no_such_fn"));
        assertThat(e.errors()).extracting(Object::toString).anySatisfy(s ->
                assertThat(s).startsWith("m0.rego:5:6: rego_type_error: count: arity mismatch"));
    }

    @Test
    void recursionIsRejected() {
        RegoCompileException e = compileFails("package p\n\na if b\n\nb if a\n");
        assertThat(e.errors().get(0).code()).isEqualTo("rego_recursion_error");
        assertThat(e.getMessage()).contains("rule data.p.a is recursive: data.p.a -> data.p.b -> data.p.a");
    }

    @Test
    void conflictingRuleKindsAreRejected() {
        RegoCompileException e = compileFails("package p\n\nx := 1\n\nx contains 2\n");
        assertThat(e.getMessage()).contains("m0.rego:5:1: rego_type_error: conflicting rules data.p.x found");
    }

    @Test
    void errorsFromSeveralFilesComeTogether() {
        RegoCompileException e = compileFails("package a\nx := ", "package b\ny := [");
        assertThat(e.errors()).hasSize(2);
        assertThat(e.getMessage()).startsWith("2 errors occurred:");
    }

    @Test
    void badQueryIsACompileError() {
        Policy p = Policy.compile(List.of(new Policy.Source("a.rego", "package a\nx := 1\n")), (io.writ.rego.value.Value) null);
        assertThatThrownBy(() -> p.query("data.a.x = ", null, io.writ.rego.topdown.EvalOptions.DEFAULT))
                .isInstanceOf(RegoCompileException.class)
                .hasMessageContaining("query:1:12: rego_parse_error");
    }
}

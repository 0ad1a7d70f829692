package io.writ.rego.builtins;

import io.writ.rego.value.SetValue;
import org.junit.jupiter.api.Test;

import static io.writ.rego.builtins.BuiltinCalls.call;
import static io.writ.rego.builtins.BuiltinCalls.json;
import static io.writ.rego.builtins.BuiltinCalls.num;
import static io.writ.rego.builtins.BuiltinCalls.set;
import static io.writ.rego.builtins.BuiltinCalls.typeError;
import static org.assertj.core.api.Assertions.assertThat;

class SetsTest {
    private static final SetValue S123 = set(num("1"), num("2"), num("3"));
    private static final SetValue S234 = set(num("2"), num("3"), num("4"));

    @Test
    void intersectsAndUnitesTwoSets() {
        assertThat(call("and", S123, S234)).isEqualTo(set(num("2"), num("3")));
        assertThat(call("and", S123, set(num("9")))).isEqualTo(set());
        assertThat(call("or", set(num("3"), num("2")), set(num("3"), num("4"), num("2"))))
                .isEqualTo(set(num("2"), num("3"), num("4")));
        assertThat(call("or", set(), set())).isEqualTo(set());
        typeError("and: operand 2 must be set but got array", "and", S123, json("[1]"));
        typeError("or: operand 1 must be set but got object", "or", json("{}"), S123);
    }

    @Test
    void intersectionOfASetOfSets() {
        assertThat(call("intersection", set(S123, S234))).isEqualTo(set(num("2"), num("3")));
        assertThat(call("intersection", set(S123, S234, set(num("4"), num("5"))))).isEqualTo(set());
        assertThat(call("intersection", set(set(), S123))).isEqualTo(set());
        assertThat(call("intersection", set(S123))).isEqualTo(S123);
        assertThat(call("intersection", set())).isEqualTo(set());
        typeError("intersection: operand 1 must be set but got number", "intersection", set(num("1"), S123));
        typeError("intersection: operand 1 must be set but got array", "intersection", json("[]"));
    }

    @Test
    void unionOfASetOfSets() {
        assertThat(call("union", set(S123, S234))).isEqualTo(set(num("1"), num("2"), num("3"), num("4")));
        assertThat(call("union", set())).isEqualTo(set());
        typeError("union: operand 1 must be set but got string", "union", set(json("\"a\"")));
        typeError("union: operand 1 must be set but got null", "union", json("null"));
    }
}

package io.writ.rego.builtins;

import io.writ.rego.value.StringValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.writ.rego.builtins.BuiltinCalls.call;
import static io.writ.rego.builtins.BuiltinCalls.json;
import static io.writ.rego.builtins.BuiltinCalls.num;
import static io.writ.rego.builtins.BuiltinCalls.typeError;
import static org.assertj.core.api.Assertions.assertThat;

class ArrayOpsTest {

    @Test
    void concatenates() {
        assertThat(call("array.concat", json("[1, 2]"), json("[3, 4]"))).isEqualTo(json("[1, 2, 3, 4]"));
        assertThat(call("array.concat", json("[]"), json("[3]"))).isEqualTo(json("[3]"));
        assertThat(call("array.concat", json("[1]"), json("[]"))).isEqualTo(json("[1]"));
        typeError("array.concat: operand 2 must be array but got object", "array.concat", json("[1, 2]"),
                json("{\"v1\": \"hello\"}"));
        typeError("array.concat: operand 1 must be array but got string", "array.concat", StringValue.of("a"),
                json("[]"));
    }

    @ParameterizedTest(name = "[1, 2, 3, 4, 5][{0}:{1}] = {2}")
    @CsvSource(delimiter = '|', value = {
            "1 | 3 | [2, 3]",
            "0 | 5 | [1, 2, 3, 4, 5]",
            "-4 | -1 | []",
            "-2 | 2 | [1, 2]",
            "3 | 100 | [4, 5]",
            "4 | 2 | []",
            "5 | 5 | []",
            "0 | 9223372036854775807 | [1, 2, 3, 4, 5]",
    })
    void slicesWithClamping(String start, String stop, String want) {
        assertThat(call("array.slice", json("[1, 2, 3, 4, 5]"), num(start), num(stop))).isEqualTo(json(want));
    }

    @Test
    void sliceRejectsBadIndexes() {
        typeError("array.slice: operand 2 must be number but got string", "array.slice", json("[1]"),
                StringValue.of("0"), num("1"));
        typeError("array.slice: operand 3 must be integer number but got floating-point number", "array.slice",
                json("[1]"), num("0"), num("1.5"));
        typeError("array.slice: operand 3 must be integer number but got floating-point number", "array.slice",
                json("[1]"), num("0"), num("1e30"));
        typeError("array.slice: operand 1 must be array but got null", "array.slice", json("null"), num("0"),
                num("1"));
    }

    @Test
    void reverses() {
        assertThat(call("array.reverse", json("[1, [2], \"c\"]"))).isEqualTo(json("[\"c\", [2], 1]"));
        assertThat(call("array.reverse", json("[]"))).isEqualTo(json("[]"));
        typeError("array.reverse: operand 1 must be array but got number", "array.reverse", num("1"));
    }

    @Test
    void flattensOneLevel() {
        assertThat(call("array.flatten", json("[]"))).isEqualTo(json("[]"));
        assertThat(call("array.flatten", json("[[1, 2], [3, 4], [5]]"))).isEqualTo(json("[1, 2, 3, 4, 5]"));
        assertThat(call("array.flatten", json("[[[1], [2, 3, []]], [[4, 5]]]")))
                .isEqualTo(json("[[1], [2, 3, []], [4, 5]]"));
        assertThat(call("array.flatten", json("[[1, 2], \"string\", [3, {\"a\": \"b\"}], 4.5, [6, [7, 8]]]")))
                .isEqualTo(json("[1, 2, \"string\", 3, {\"a\": \"b\"}, 4.5, 6, [7, 8]]"));
        typeError("array.flatten: operand 1 must be array but got number", "array.flatten", num("42"));
    }
}

package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.StringValue;
import org.junit.jupiter.api.Test;

import static io.writ.rego.builtins.BuiltinCalls.call;
import static io.writ.rego.builtins.BuiltinCalls.json;
import static io.writ.rego.builtins.BuiltinCalls.num;
import static io.writ.rego.builtins.BuiltinCalls.set;
import static io.writ.rego.builtins.BuiltinCalls.typeError;
import static org.assertj.core.api.Assertions.assertThat;

class AggregatesTest {

    @Test
    void countsCollectionsAndRunes() {
        assertThat(call("count", json("[1, 2, 3, 4]"))).isEqualTo(num("4"));
        assertThat(call("count", json("{\"a\": 1, \"b\": 2}"))).isEqualTo(num("2"));
        assertThat(call("count", set(num("1"), num("2"), num("2")))).isEqualTo(num("2"));
        assertThat(call("count", StringValue.of("héllo😀"))).isEqualTo(num("6"));
        assertThat(call("count", StringValue.EMPTY)).isEqualTo(num("0"));
        typeError("count: operand 1 must be one of {array, object, set, string} but got number", "count", num("1"));
    }

    @Test
    void sumsExactly() {
        assertThat(call("sum", json("[1, 2, 3, 4]"))).isEqualTo(num("10"));
        assertThat(call("sum", set(num("1"), num("2"), num("3"), num("4")))).isEqualTo(num("10"));
        assertThat(call("sum", json("[]"))).isEqualTo(num("0"));
        assertThat(call("sum", ArrayValue.of(num("18446744073709551617"), num("1")))).isEqualTo(num("18446744073709551618"));
        assertThat(call("sum", ArrayValue.of(num("9223372036854775807"), num("1")))).isEqualTo(num("9223372036854775808"));
        assertThat(call("sum", set(num("9223372036854775807"), num("1"), num("2")))).isEqualTo(num("9223372036854775810"));
        assertThat(call("sum", ArrayValue.of(num("-9223372036854775808"), num("-1"))))
                .isEqualTo(num("-9223372036854775809"));
    }

    @Test
    void sumsNonIntegersThroughTheFloatPath() {
        assertThat(call("sum", json("[1.5, 2.5]"))).isEqualTo(num("4"));
        assertThat(call("sum", json("[1, 2.5]"))).isEqualTo(num("3.5"));
        assertThat(call("sum", json("[0.1, 0.2]"))).isEqualTo(num("0.3"));
    }

    @Test
    void multipliesExactlyAndFloatsAtDoublePrecision() {
        assertThat(call("product", set(num("1"), num("2"), num("3"), num("4")))).isEqualTo(num("24"));
        assertThat(call("product", json("[2, 3, 4]"))).isEqualTo(num("24"));
        assertThat(call("product", json("[]"))).isEqualTo(num("1"));
        assertThat(call("product", ArrayValue.of(num("18446744073709551617"), num("2"))))
                .isEqualTo(num("36893488147419103234"));
        assertThat(call("product", json("[1.5, 2]"))).isEqualTo(num("3"));
        // OPA's product starts from big.NewFloat(1), a 53-bit float, so it rounds like a double
        assertThat(call("product", json("[0.1, 3]"))).isEqualTo(num("0.30000000000000004"));
    }

    @Test
    void sumAndProductRejectNonNumbers() {
        typeError("sum: operand 1 must be array of numbers but got array containing string", "sum", json("[1, \"a\"]"));
        typeError("sum: operand 1 must be set of numbers but got set containing boolean", "sum", set(num("1"), json("true")));
        typeError("product: operand 1 must be array of numbers but got array containing null", "product",
                json("[1.5, null]"));
        typeError("sum: operand 1 must be one of {set, array} but got object", "sum", json("{}"));
        typeError("product: operand 1 must be one of {set, array} but got string", "product", StringValue.of("1"));
    }

    @Test
    void maxAndMinUseTheTotalOrder() {
        assertThat(call("max", set(num("1"), num("2"), num("3"), num("4")))).isEqualTo(num("4"));
        assertThat(call("min", json("[3, 2, 1, 4, 6, -7, 10]"))).isEqualTo(num("-7"));
        assertThat(call("max", json("[1, \"a\", null, [0]]"))).isEqualTo(json("[0]"));
        assertThat(call("min", json("[1, \"a\", null, [0]]"))).isEqualTo(json("null"));
        assertThat(call("max", json("[]"))).isNull();
        assertThat(call("min", set())).isNull();
        typeError("max: operand 1 must be one of {set, array} but got number", "max", num("1"));
        typeError("min: operand 1 must be one of {set, array} but got object", "min", json("{}"));
    }

    @Test
    void sortsArraysAndSetsIntoArrays() {
        assertThat(call("sort", json("[3, \"b\", 1, null, \"a\", 1]"))).isEqualTo(json("[null, 1, 1, 3, \"a\", \"b\"]"));
        assertThat(call("sort", set(num("2"), num("1")))).isEqualTo(json("[1, 2]"));
        assertThat(call("sort", json("[]"))).isEqualTo(json("[]"));
        typeError("sort: operand 1 must be one of {set, array} but got string", "sort", StringValue.of("ba"));
    }
}

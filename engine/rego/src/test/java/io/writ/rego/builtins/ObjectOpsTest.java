package io.writ.rego.builtins;

import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.writ.rego.builtins.BuiltinCalls.call;
import static io.writ.rego.builtins.BuiltinCalls.json;
import static io.writ.rego.builtins.BuiltinCalls.num;
import static io.writ.rego.builtins.BuiltinCalls.set;
import static io.writ.rego.builtins.BuiltinCalls.typeError;
import static org.assertj.core.api.Assertions.assertThat;

class ObjectOpsTest {
    private static final Value DFLT = StringValue.of("default");

    @ParameterizedTest(name = "object.get(..., {0})")
    @CsvSource(delimiter = '|', value = {
            "\"a\" | {\"b\": \"c\"}",
            "\"b\" | \"default\"",
            "[] | {\"a\": {\"b\": \"c\"}, \"l\": [10, {\"x\": 1}], \"n\": null}",
            "[\"a\", \"b\"] | \"c\"",
            "[\"a\", \"z\"] | \"default\"",
            "[\"a\", \"b\", \"c\"] | \"default\"",
            "[\"l\", 1, \"x\"] | 1",
            "[\"l\", 2] | \"default\"",
            "[\"l\", -1] | \"default\"",
            "[\"l\", \"0\"] | \"default\"",
            "\"n\" | null",
            "[\"n\"] | null",
    })
    void getsKeysAndPaths(String key, String want) {
        Value obj = json("{\"a\": {\"b\": \"c\"}, \"l\": [10, {\"x\": 1}], \"n\": null}");
        assertThat(call("object.get", obj, json(key), DFLT)).isEqualTo(json(want));
    }

    @Test
    void getWalksIntoSetsAndNonStringKeys() {
        Value obj = ObjectValue.of(StringValue.of("s"), set(num("1"), json("[2]")), num("7"), StringValue.of("seven"));
        assertThat(call("object.get", obj, json("[\"s\", [2]]"), DFLT)).isEqualTo(json("[2]"));
        assertThat(call("object.get", obj, json("[\"s\", 3]"), DFLT)).isEqualTo(DFLT);
        assertThat(call("object.get", obj, num("7"), DFLT)).isEqualTo(StringValue.of("seven"));
        typeError("object.get: operand 1 must be object but got array", "object.get", json("[]"), num("0"), DFLT);
    }

    @Test
    void keys() {
        assertThat(call("object.keys", json("{\"a\": 1, \"b\": 2}"))).isEqualTo(set(json("\"a\""), json("\"b\"")));
        assertThat(call("object.keys", json("{}"))).isEqualTo(set());
        typeError("object.keys: operand 1 must be object but got set", "object.keys", set());
    }

    @Test
    void removesByArraySetOrObjectKeys() {
        Value obj = json("{\"a\": 1, \"b\": {\"c\": 3}, \"d\": 4}");
        assertThat(call("object.remove", obj, set(json("\"a\"")))).isEqualTo(json("{\"b\": {\"c\": 3}, \"d\": 4}"));
        assertThat(call("object.remove", obj, json("[\"b\", \"d\"]"))).isEqualTo(json("{\"a\": 1}"));
        assertThat(call("object.remove", obj, json("{\"a\": 0, \"d\": 0}"))).isEqualTo(json("{\"b\": {\"c\": 3}}"));
        assertThat(call("object.remove", obj, set(json("\"z\"")))).isEqualTo(obj);
        assertThat(call("object.remove", json("{}"), set(json("\"a\"")))).isEqualTo(json("{}"));
        typeError("object.remove: operand 1 must be object but got string", "object.remove", StringValue.of("foo"),
                set());
        typeError("object.remove: operand 1 must be object but got null", "object.remove", json("null"), set());
        typeError("object.remove: operand 2 must be one of {object, set, array} but got null", "object.remove",
                json("{\"a\": 1}"), json("null"));
    }

    @Test
    void filtersByArraySetOrObjectKeys() {
        Value obj = json("{\"a\": 1, \"b\": 2, \"c\": 3}");
        assertThat(call("object.filter", obj, json("[\"a\", \"c\", \"z\"]"))).isEqualTo(json("{\"a\": 1, \"c\": 3}"));
        assertThat(call("object.filter", obj, set(json("\"b\"")))).isEqualTo(json("{\"b\": 2}"));
        assertThat(call("object.filter", obj, json("{\"c\": null}"))).isEqualTo(json("{\"c\": 3}"));
        typeError("object.filter: operand 2 must be one of {object, set, array} but got string", "object.filter",
                obj, StringValue.of("a"));
        typeError("object.filter: operand 1 must be object but got array", "object.filter", json("[]"), json("[]"));
    }

    @ParameterizedTest(name = "object.union({0}, {1})")
    @CsvSource(delimiter = '|', value = {
            "{} | {} | {}",
            "{} | {\"a\": 1} | {\"a\": 1}",
            "{\"a\": 1} | {} | {\"a\": 1}",
            "{\"a\": 1} | {\"a\": 2} | {\"a\": 2}",
            "{\"b\": 2} | {\"a\": {\"b\": {\"c\": 1}}} | {\"a\": {\"b\": {\"c\": 1}}, \"b\": 2}",
            "{\"a\": {\"b\": 1, \"c\": 2}} | {\"a\": {\"b\": 3, \"d\": 4}} | {\"a\": {\"b\": 3, \"c\": 2, \"d\": 4}}",
            "{\"a\": {\"b\": 1}} | {\"a\": 5} | {\"a\": 5}",
            "{\"a\": 5} | {\"a\": {\"b\": 1}} | {\"a\": {\"b\": 1}}",
    })
    void unionMergesRecursively(String a, String b, String want) {
        assertThat(call("object.union", json(a), json(b))).isEqualTo(json(want));
    }

    @Test
    void unionOperandErrors() {
        typeError("object.union: operand 2 must be object but got array", "object.union", json("{\"a\": 1}"),
                json("[1, 2, 3]"));
        typeError("object.union: operand 1 must be object but got number", "object.union", num("1"), json("{}"));
    }

    @ParameterizedTest(name = "object.union_n({0})")
    @CsvSource(delimiter = '|', value = {
            "[] | {}",
            "[{\"a\": 1}] | {\"a\": 1}",
            "[{\"a\": 1}, {\"b\": 2}, {\"a\": 3}] | {\"a\": 3, \"b\": 2}",
            "[{\"a\": {\"b\": 2}}, {\"a\": 4}, {\"a\": {\"c\": 3}}] | {\"a\": {\"c\": 3}}",
            "[{\"a\": {\"b\": 2}}, {\"a\": {\"c\": 3}}] | {\"a\": {\"b\": 2, \"c\": 3}}",
            "[{\"a\": {\"b\": {\"x\": 1}}}, {\"a\": {\"b\": 5}}, {\"a\": {\"b\": {\"y\": 2}}}] | {\"a\": {\"b\": {\"y\": 2}}}",
    })
    void unionNFoldsLeftToRight(String objects, String want) {
        assertThat(call("object.union_n", json(objects))).isEqualTo(json(want));
    }

    @Test
    void unionNReportsTheLastBadElement() {
        typeError("object.union_n: operand 1 must be array of objects but got array containing string",
                "object.union_n", json("[1, {}, \"x\"]"));
        typeError("object.union_n: operand 1 must be array but got object", "object.union_n", json("{}"));
    }

    @ParameterizedTest(name = "object.subset({0}, {1}) = {2}")
    @CsvSource(delimiter = '|', value = {
            "{\"a\": 1, \"b\": 2} | {\"a\": 1} | true",
            "{\"a\": 1} | {\"a\": 2} | false",
            "{\"a\": 1} | {\"b\": 1} | false",
            "{\"a\": {\"b\": 1, \"c\": 2}} | {\"a\": {\"c\": 2}} | true",
            "{\"a\": [1, 2, 3, 4]} | {\"a\": [2, 3]} | true",
            "{\"a\": [1, 2, 3, 4]} | {\"a\": [2, 4]} | false",
            "{\"a\": 1} | {} | true",
            "[1, 2, 1, 2, 3] | [1, 2, 3] | true",
            "[1, 2, 3] | [3, 2] | false",
            "[1, 2] | [1, 2, 3] | false",
            "[] | [] | true",
            "[1] | [] | true",
    })
    void subsetOfObjectsAndArrays(String sup, String sub, boolean want) {
        assertThat(call("object.subset", json(sup), json(sub))).isEqualTo(BooleanValue.of(want));
    }

    @Test
    void subsetOfSetsAndArrayAgainstSet() {
        Value one = num("1");
        Value two = num("2");
        assertThat(call("object.subset", set(one, two), set(two))).isEqualTo(BooleanValue.TRUE);
        assertThat(call("object.subset", set(one), set(two))).isEqualTo(BooleanValue.FALSE);
        assertThat(call("object.subset", ObjectValue.of(StringValue.of("s"), set(one, two)),
                ObjectValue.of(StringValue.of("s"), set(one)))).isEqualTo(BooleanValue.TRUE);
        assertThat(call("object.subset", json("[2, 3, 1]"), set(one, two))).isEqualTo(BooleanValue.TRUE);
        assertThat(call("object.subset", json("[2, 3]"), set(one, two))).isEqualTo(BooleanValue.FALSE);
        // OPA's quirks: duplicates in the array count twice, and an empty array holds nothing
        assertThat(call("object.subset", json("[1, 1]"), set(one, two))).isEqualTo(BooleanValue.TRUE);
        assertThat(call("object.subset", json("[]"), set())).isEqualTo(BooleanValue.FALSE);
        assertThat(call("object.subset", json("[5]"), set())).isEqualTo(BooleanValue.TRUE);
    }

    @Test
    void subsetRejectsMixedTypes() {
        String msg = "object.subset: both arguments object.subset must be of the same type or array and set";
        typeError(msg, "object.subset", json("{}"), json("[]"));
        typeError(msg, "object.subset", set(), json("[]"));
        typeError(msg, "object.subset", num("1"), num("1"));
    }
}

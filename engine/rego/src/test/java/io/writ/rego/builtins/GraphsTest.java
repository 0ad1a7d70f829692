package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;

import static io.writ.rego.builtins.BuiltinCalls.call;
import static io.writ.rego.builtins.BuiltinCalls.json;
import static io.writ.rego.builtins.BuiltinCalls.num;
import static io.writ.rego.builtins.BuiltinCalls.set;
import static io.writ.rego.builtins.BuiltinCalls.typeError;
import static org.assertj.core.api.Assertions.assertThat;

class GraphsTest {

    @Test
    void walkIsARelation() {
        assertThat(Registry.standard().get("walk").relation()).isTrue();
        assertThat(Registry.standard().get("graph.reachable").relation()).isFalse();
    }

    @Test
    void walksAScalar() {
        assertThat(call("walk", num("1"))).isEqualTo(json("[[[], 1]]"));
    }

    @Test
    void walksInPreOrderWithKeysAsPath() {
        assertThat(call("walk", json("{\"b\": [true], \"a\": 1}"))).isEqualTo(json("""
                [[[], {"a": 1, "b": [true]}],
                 [["a"], 1],
                 [["b"], [true]],
                 [["b", 0], true]]"""));
    }

    @Test
    void walksSetsWithMembersAsTheirOwnKeys() {
        Value inner = set(num("1"), num("2"));
        Value got = call("walk", set(inner));
        assertThat(got).isEqualTo(ArrayValue.of(
                ArrayValue.of(ArrayValue.EMPTY, set(inner)),
                ArrayValue.of(ArrayValue.of(inner), inner),
                ArrayValue.of(ArrayValue.of(inner, num("1")), num("1")),
                ArrayValue.of(ArrayValue.of(inner, num("2")), num("2"))));
    }

    @Test
    void walkPathsAreNotShared() {
        Value got = call("walk", json("{\"a\": [{\"aa\": \"AA\"}, {\"bb\": \"BB\"}]}"));
        assertThat(got).isEqualTo(json("""
                [[[], {"a": [{"aa": "AA"}, {"bb": "BB"}]}],
                 [["a"], [{"aa": "AA"}, {"bb": "BB"}]],
                 [["a", 0], {"aa": "AA"}],
                 [["a", 0, "aa"], "AA"],
                 [["a", 1], {"bb": "BB"}],
                 [["a", 1, "bb"], "BB"]]"""));
    }

    private static final Value COMPONENTS = json("""
            {"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": [], "e": ["f"], "f": ["e"], "x": ["x"]}""");

    @Test
    void reachable() {
        assertThat(call("graph.reachable", COMPONENTS, set(json("\"b\""), json("\"e\""))))
                .isEqualTo(set(json("\"b\""), json("\"d\""), json("\"e\""), json("\"f\"")));
        assertThat(call("graph.reachable", json("{\"a\": [\"b\"], \"b\": [\"c\"], \"c\": [\"a\"]}"), json("[\"a\"]")))
                .isEqualTo(set(json("\"a\""), json("\"b\""), json("\"c\"")));
        // a start node the graph lacks is not reached; one with malformed edges is
        assertThat(call("graph.reachable", json("{\"a\": null}"), json("[\"a\", \"q\"]"))).isEqualTo(set(json("\"a\"")));
        assertThat(call("graph.reachable", json("{}"), json("[\"a\"]"))).isEqualTo(set());
    }

    @Test
    void reachableErrors() {
        typeError("graph.reachable: operand 2 must be {array, set} but got string", "graph.reachable",
                json("{\"a\": []}"), StringValue.of("a"));
        typeError("graph.reachable: operand 1 must be object but got number", "graph.reachable", num("1"),
                json("[1]"));
        typeError("graph.reachable_paths: operand 2 must be {array, set} but got string", "graph.reachable_paths",
                json("{\"a\": []}"), StringValue.of("a"));
        typeError("graph.reachable_paths: operand 1 must be object but got number", "graph.reachable_paths",
                num("1"), json("[1]"));
    }

    @Test
    void reachablePaths() {
        assertThat(paths("{}", "[\"a\"]")).isEqualTo(set());
        assertThat(paths("{\"a\": [\"b\"], \"b\": [\"c\"], \"c\": [\"a\"]}", "[\"a\"]")).isEqualTo(set(json("[\"a\", \"b\", \"c\"]")));
        assertThat(call("graph.reachable_paths", COMPONENTS, set(json("\"b\""), json("\"e\""))))
                .isEqualTo(set(json("[\"b\", \"d\"]"), json("[\"e\", \"f\"]")));
        assertThat(paths("{\"a\": null}", "[\"a\"]")).isEqualTo(set(json("[\"a\"]")));
        assertThat(paths("{\"a\": [\"b\", \"c\"], \"b\": [\"c\"], \"c\": []}", "[\"a\"]"))
                .isEqualTo(set(json("[\"a\", \"b\", \"c\"]"), json("[\"a\", \"c\"]")));
        assertThat(paths("{\"1\": [], \"2\": [\"1\"], \"3\": [\"2\"], \"4\": [\"3\", \"2\"], \"5\": [\"4\"]}", "[\"5\"]"))
                .isEqualTo(set(json("[\"5\", \"4\", \"2\", \"1\"]"), json("[\"5\", \"4\", \"3\", \"2\", \"1\"]")));
        assertThat(paths("{\"a\": [\"b\"], \"b\": [\"nonexistent\"]}", "[\"a\", \"b\"]"))
                .isEqualTo(set(json("[\"a\", \"b\"]"), json("[\"b\"]")));
    }

    @Test
    void reachablePathsStopAtCyclesAndMissingNodes() {
        String graph = """
                {"one": ["two", "five"], "two": ["four"], "three": [""], "four": ["three"],
                 "five": ["seven", "six"], "six": ["nine", "seven"], "seven": ["eight"],
                 "eight": ["three"], "nine": [""]}""";
        assertThat(paths(graph, "[\"one\"]")).isEqualTo(set(
                json("[\"one\", \"five\", \"seven\", \"eight\", \"three\"]"),
                json("[\"one\", \"five\", \"six\", \"nine\"]"),
                json("[\"one\", \"five\", \"six\", \"seven\", \"eight\", \"three\"]"),
                json("[\"one\", \"two\", \"four\", \"three\"]")));
    }

    private static Value paths(String graph, String initial) {
        return call("graph.reachable_paths", json(graph), json(initial));
    }
}

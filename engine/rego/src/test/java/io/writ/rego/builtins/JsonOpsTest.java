package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.Json;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static io.writ.rego.builtins.BuiltinCalls.call;

class JsonOpsTest {

    private static Value json(String text) {
        return Json.parse(text);
    }

    private static StringValue s(String v) {
        return StringValue.of(v);
    }

    private static SetValue paths(String... p) {
        Value[] vs = new Value[p.length];
        for (int i = 0; i < p.length; i++) {
            vs[i] = s(p[i]);
        }
        return SetValue.of(vs);
    }

    private static void assertError(BuiltinException.Kind kind, String message, String name, Value... args) {
        assertThatThrownBy(() -> call(name, args)).isInstanceOfSatisfying(BuiltinException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.kind()).isEqualTo(kind);
        });
    }

    @Nested
    class Filter {
        @Test
        void conformanceCases() {
            assertThat(call("json.filter", ObjectValue.EMPTY, paths("a/b"))).isEqualTo(ObjectValue.EMPTY);
            assertThat(call("json.filter", json("{\"a\": [{\"b\": 7, \"c\": 8}, {\"d\": 9}]}"), paths("a/0/b", "a/1")))
                    .isEqualTo(json("{\"a\": [{\"b\": 7}, {\"d\": 9}]}"));
        }

        @Test
        void pathFormsAndPrefixes() {
            Value doc = json("{\"a\": {\"b\": 1, \"c\": 2}, \"x/y\": 3, \"t~\": 4, \"e\": 5}");
            assertThat(call("json.filter", doc, json("[\"/a/b\", \"x~1y\", \"t~0\"]")))
                    .isEqualTo(json("{\"a\": {\"b\": 1}, \"x/y\": 3, \"t~\": 4}"));
            // a path that is a prefix of another selects everything below it
            assertThat(call("json.filter", doc, json("[\"a/b\", \"a\"]"))).isEqualTo(json("{\"a\": {\"b\": 1, \"c\": 2}}"));
            assertThat(call("json.filter", doc, json("[[\"a\", \"c\"]]"))).isEqualTo(json("{\"a\": {\"c\": 2}}"));
            assertThat(call("json.filter", doc, SetValue.EMPTY)).isEqualTo(ObjectValue.EMPTY);
        }

        @Test
        void arraysAreIndexedByStringSegmentsOnly() {
            Value doc = json("{\"a\": [10, 20, 30]}");
            assertThat(call("json.filter", doc, json("[[\"a\", \"2\"]]"))).isEqualTo(json("{\"a\": [30]}"));
            assertThat(call("json.filter", doc, json("[[\"a\", 2]]"))).isEqualTo(json("{\"a\": []}"));
        }

        @Test
        void setsAreFilteredByElement() {
            Value doc = ObjectValue.of(s("s"), SetValue.of(s("x"), s("y")));
            assertThat(call("json.filter", doc, paths("s/x"))).isEqualTo(ObjectValue.of(s("s"), SetValue.of(s("x"))));
        }

        @Test
        void errors() {
            assertError(BuiltinException.Kind.TYPE, "json.filter: operand 1 must be object but got array", "json.filter",
                    ArrayValue.EMPTY, paths("a"));
            assertError(BuiltinException.Kind.TYPE, "json.filter: operand 2 must be one of {set, array} but got string",
                    "json.filter", ObjectValue.EMPTY, s("a"));
            assertError(BuiltinException.Kind.TYPE, "json.filter: operand 2 must be one of {set, array} containing string "
                    + "paths or array of path segments but got number", "json.filter", ObjectValue.EMPTY, json("[1]"));
        }
    }

    @Nested
    class Remove {
        private final Value doc = json("{\"a\": {\"b\": {\"c\": 7, \"d\": 8}}, \"e\": 9}");

        @Test
        void conformanceCases() {
            assertThat(call("json.remove", doc, paths("a/b/c"))).isEqualTo(json("{\"a\": {\"b\": {\"d\": 8}}, \"e\": 9}"));
            assertThat(call("json.remove", doc, paths("a/b/c", "e"))).isEqualTo(json("{\"a\": {\"b\": {\"d\": 8}}}"));
            assertThat(call("json.remove", json("{\"a\": {\"b\": 7}, \"c\": 1}"), paths("a", "a/b")))
                    .isEqualTo(json("{\"c\": 1}"));
            assertThat(call("json.remove", json("{\"a\": 7}"), SetValue.EMPTY)).isEqualTo(json("{\"a\": 7}"));
            assertThat(call("json.remove", json("{\"a\": [{\"b\": 7, \"c\": 8}, {\"d\": 9}]}"), paths("a/0/b", "a/1")))
                    .isEqualTo(json("{\"a\": [{\"c\": 8}]}"));
            assertThat(call("json.remove", doc, SetValue.of(json("[\"a\", \"b\", \"c\"]"), json("[\"e\"]"))))
                    .isEqualTo(json("{\"a\": {\"b\": {\"d\": 8}}}"));
        }

        @Test
        void missingPathsAndSets() {
            assertThat(call("json.remove", doc, paths("x/y", "a/b/c/d"))).isEqualTo(doc);
            Value withSet = ObjectValue.of(s("s"), SetValue.of(s("x"), s("y")));
            assertThat(call("json.remove", withSet, paths("s/x"))).isEqualTo(ObjectValue.of(s("s"), SetValue.of(s("y"))));
        }

        @Test
        void conformanceErrors() {
            assertError(BuiltinException.Kind.TYPE, "json.remove: operand 1 must be object but got string", "json.remove",
                    s("foo"), paths("a/b/c"));
            assertError(BuiltinException.Kind.TYPE, "json.remove: operand 1 must be object but got number", "json.remove",
                    NumberValue.of(22), paths("a/b/c"));
            assertError(BuiltinException.Kind.TYPE, "json.remove: operand 2 must be one of {set, array} but got number",
                    "json.remove", json("{\"a\": {\"b\": {\"c\": 123}}}"), NumberValue.of(22));
            assertError(BuiltinException.Kind.TYPE, "json.remove: operand 2 must be one of {set, array} containing string "
                    + "paths or array of path segments but got object", "json.remove",
                    json("{\"a\": {\"b\": {\"c\": 123}}}"), SetValue.of(s("a"), json("{\"x\": 1}"), json("{\"y\": 2}")));
        }
    }

    @Nested
    class Patch {
        private Value patch(String doc, String ops) {
            return call("json.patch", json(doc), json(ops));
        }

        private void assertPatchError(String message, String doc, String ops) {
            assertError(BuiltinException.Kind.BUILTIN, "json.patch: " + message, "json.patch", json(doc), json(ops));
        }

        @Test
        void rfc6902Examples() {
            assertThat(patch("{\"foo\": \"bar\"}", "[{\"op\": \"add\", \"path\": \"/baz\", \"value\": \"qux\"}]"))
                    .isEqualTo(json("{\"baz\": \"qux\", \"foo\": \"bar\"}"));
            assertThat(patch("{\"foo\": [\"bar\", \"baz\"]}", "[{\"op\": \"add\", \"path\": \"/foo/1\", \"value\": \"qux\"}]"))
                    .isEqualTo(json("{\"foo\": [\"bar\", \"qux\", \"baz\"]}"));
            assertThat(patch("{\"foo\": [\"bar\", \"qux\", \"baz\"]}", "[{\"op\": \"remove\", \"path\": \"/foo/1\"}]"))
                    .isEqualTo(json("{\"foo\": [\"bar\", \"baz\"]}"));
            assertThat(patch("{\"baz\": \"qux\", \"foo\": \"bar\"}", "[{\"op\": \"replace\", \"path\": \"/baz\", \"value\": \"boo\"}]"))
                    .isEqualTo(json("{\"baz\": \"boo\", \"foo\": \"bar\"}"));
            assertThat(patch("{\"foo\": {\"bar\": \"baz\", \"waldo\": \"fred\"}, \"qux\": {\"corge\": \"grault\"}}",
                    "[{\"op\": \"move\", \"from\": \"/foo/waldo\", \"path\": \"/qux/thud\"}]"))
                    .isEqualTo(json("{\"foo\": {\"bar\": \"baz\"}, \"qux\": {\"corge\": \"grault\", \"thud\": \"fred\"}}"));
            assertThat(patch("{\"foo\": [\"all\", \"grass\", \"cows\", \"eat\"]}",
                    "[{\"op\": \"move\", \"from\": \"/foo/1\", \"path\": \"/foo/3\"}]"))
                    .isEqualTo(json("{\"foo\": [\"all\", \"cows\", \"eat\", \"grass\"]}"));
            assertThat(patch("{\"/\": 9, \"~1\": 10}", "[{\"op\": \"test\", \"path\": \"/~01\", \"value\": 10}]"))
                    .isEqualTo(json("{\"/\": 9, \"~1\": 10}"));
            assertThat(patch("{\"foo\": [\"bar\"]}", "[{\"op\": \"add\", \"path\": \"/foo/-\", \"value\": [\"abc\"]}]"))
                    .isEqualTo(json("{\"foo\": [\"bar\", [\"abc\"]]}"));
            assertThat(patch("{\"a\": {\"b\": 1}}", "[{\"op\": \"copy\", \"from\": \"/a\", \"path\": \"/c\"}]"))
                    .isEqualTo(json("{\"a\": {\"b\": 1}, \"c\": {\"b\": 1}}"));
        }

        @Test
        void wholeDocumentAndSegments() {
            assertThat(patch("{}", "[{\"op\": \"add\", \"path\": \"\", \"value\": []}]")).isEqualTo(ArrayValue.EMPTY);
            assertThat(patch("{}", "[{\"op\": \"add\", \"path\": \"/\", \"value\": 1}]")).isEqualTo(json("{\"\": 1}"));
            assertThat(patch("[1, 2]", "[{\"op\": \"add\", \"path\": [0], \"value\": 0}]")).isEqualTo(json("[0, 1, 2]"));
            assertThat(patch("{\"foo\": 1}", "[]")).isEqualTo(json("{\"foo\": 1}"));
            // removing the whole document leaves nothing: undefined
            assertThat(patch("{\"foo\": 1}", "[{\"op\": \"remove\", \"path\": \"\"}]")).isNull();
        }

        @Test
        void setsArePatchedByElement() {
            Value doc = SetValue.of(s("a"), ArrayValue.of(NumberValue.of(0)));
            Value ops = json("[{\"op\": \"add\", \"path\": [[0], 1], \"value\": 1}, "
                    + "{\"op\": \"add\", \"path\": [\"b\"], \"value\": \"b\"}, {\"op\": \"remove\", \"path\": \"/a\"}]");
            assertThat(call("json.patch", doc, ops)).isEqualTo(SetValue.of(s("b"), json("[0, 1]")));
            assertError(BuiltinException.Kind.BUILTIN, "json.patch: set key \"x\" does not equal value to be inserted \"y\"",
                    "json.patch", doc, json("[{\"op\": \"add\", \"path\": \"/x\", \"value\": \"y\"}]"));
        }

        @Test
        void unchangedArrayElementsAreReadByTheirOriginalIndex() {
            // OPA's edit tree reads /a/0 from the array as it was before the patch, i.e. the removed {"x": 1}
            assertThat(patch("{\"a\": [{\"x\": 1}, {\"y\": 2}]}",
                    "[{\"op\": \"remove\", \"path\": \"/a/0\"}, {\"op\": \"add\", \"path\": \"/a/0/z\", \"value\": 3}]"))
                    .isEqualTo(json("{\"a\": [{\"x\": 1, \"z\": 3}]}"));
        }

        @Test
        void operationErrors() {
            assertPatchError("value from EditTree != patch value.\n\nExpected: \"bar\"\n\nFound: \"qux\"",
                    "{\"baz\": \"qux\"}", "[{\"op\": \"test\", \"path\": \"/baz\", \"value\": \"bar\"}]");
            assertPatchError("path \"a\" does not exist in object term {\"q\": {\"bar\": 2}}",
                    "{\"q\": {\"bar\": 2}}", "[{\"op\": \"add\", \"path\": \"/a/b\", \"value\": 1}]");
            assertPatchError("index for array insertion out of bounds",
                    "{\"bar\": [1, 2]}", "[{\"op\": \"add\", \"path\": \"/bar/8\", \"value\": \"5\"}]");
            assertPatchError("index for array insertion out of bounds",
                    "{\"bar\": [1, 2]}", "[{\"op\": \"add\", \"path\": \"/bar/-1\", \"value\": \"5\"}]");
            assertPatchError("index for array delete out of bounds",
                    "[1]", "[{\"op\": \"remove\", \"path\": \"/-\"}]");
            assertPatchError("invalid string for indexing",
                    "[\"foo\", \"bar\"]", "[{\"op\": \"test\", \"path\": \"/1e0\", \"value\": \"bar\"}]");
            assertPatchError("leading zeros are not allowed in JSON paths",
                    "[1, 2, 3]", "[{\"op\": \"remove\", \"path\": \"01\"}]");
            assertPatchError("invalid type for indexing",
                    "[1, 2, 3]", "[{\"op\": \"remove\", \"path\": [true]}]");
            assertPatchError("invalid number type for indexing",
                    "[1, 2, 3]", "[{\"op\": \"remove\", \"path\": [1.5]}]");
            assertPatchError("cannot delete child key \"x\" that does not exist",
                    "{\"a\": 1}", "[{\"op\": \"remove\", \"path\": \"/x\"}]");
            assertPatchError("cannot delete the already deleted scalar node for key \"a\"",
                    "{\"a\": 1}", "[{\"op\": \"remove\", \"path\": \"/a\"}, {\"op\": \"remove\", \"path\": \"/a\"}]");
            assertPatchError("cannot unfold the already deleted composite node for key \"a\"",
                    "{\"a\": {}}", "[{\"op\": \"remove\", \"path\": \"/a\"}, {\"op\": \"add\", \"path\": \"/a/b\", \"value\": 1}]");
            assertPatchError("expected composite type for path \"b\", found value: 1 (type: ast.Number)",
                    "{\"a\": 1}", "[{\"op\": \"add\", \"path\": \"/a/b/c\", \"value\": 1}]");
            assertPatchError("expected composite type, found value: \"s\" (type: ast.String)",
                    "{\"a\": \"s\"}", "[{\"op\": \"add\", \"path\": \"/a/b\", \"value\": 1}]");
            assertPatchError("deleted node encountered during insert operation",
                    "{}", "[{\"op\": \"remove\", \"path\": \"\"}, {\"op\": \"add\", \"path\": \"/a\", \"value\": 1}]");
        }

        @Test
        void malformedOperations() {
            assertPatchError("must be an array of JSON-Patch objects, but at least one element is not an object", "{}", "[1]");
            assertPatchError("missing required attribute 'path'", "{}", "[{\"op\": \"add\"}]");
            assertPatchError("missing required attribute 'op'", "{}", "[{\"path\": \"/a\"}]");
            assertPatchError("attribute 'op' must be a string but found: number", "{}", "[{\"op\": 1, \"path\": \"/a\"}]");
            assertPatchError("unrecognized op: 'bogus'", "{}", "[{\"op\": \"bogus\", \"path\": \"/a\"}]");
            assertPatchError("missing required attribute 'value'", "{}", "[{\"op\": \"add\", \"path\": \"/a\"}]");
            assertPatchError("missing required attribute 'from'", "{}", "[{\"op\": \"move\", \"path\": \"/a\"}]");
            assertError(BuiltinException.Kind.TYPE, "json.patch: operand 2 must be one of {set, array} containing string "
                    + "paths or array of path segments but got number", "json.patch", ObjectValue.EMPTY,
                    json("[{\"op\": \"add\", \"path\": 1, \"value\": 1}]"));
            assertError(BuiltinException.Kind.TYPE, "json.patch: operand 2 must be array but got object", "json.patch",
                    ObjectValue.EMPTY, ObjectValue.EMPTY);
        }
    }
}

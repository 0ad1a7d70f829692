package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.Json;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static io.writ.rego.builtins.BuiltinCalls.call;

class EncodingTest {

    private static StringValue s(String v) {
        return StringValue.of(v);
    }

    private static Value json(String text) {
        return Json.parse(text);
    }

    private static String text(String name, Value... args) {
        return ((StringValue) call(name, args)).value();
    }

    private static void assertError(BuiltinException.Kind kind, String message, String name, Value... args) {
        assertThatThrownBy(() -> call(name, args))
                .isInstanceOfSatisfying(BuiltinException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(message);
                    assertThat(e.kind()).isEqualTo(kind);
                });
    }

    private static void assertBuiltinError(String message, String name, Value... args) {
        assertError(BuiltinException.Kind.BUILTIN, message, name, args);
    }

    private static void assertTypeError(String message, String name, Value... args) {
        assertError(BuiltinException.Kind.TYPE, message, name, args);
    }

    @Nested
    class Base64 {
        @Test
        void encodesUtf8Bytes() {
            assertThat(call("base64.encode", s("there"))).isEqualTo(s("dGhlcmU="));
            assertThat(call("base64.encode", s("é"))).isEqualTo(s("w6k="));
            assertThat(call("base64.encode", s(""))).isEqualTo(s(""));
        }

        @Test
        void decodesLikeGo() {
            assertThat(call("base64.decode", s("aGVsbG8="))).isEqualTo(s("hello"));
            assertThat(call("base64.decode", s("c3ViamVjdHM/X2Q="))).isEqualTo(s("subjects?_d"));
            assertThat(call("base64.decode", s("aGVs\nbG8=\r\n"))).isEqualTo(s("hello")); // Go skips CR and LF
            assertThat(call("base64.decode", s(""))).isEqualTo(s(""));
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "aGVsbG8   | 4", // padding is required: the incomplete quantum starts at byte 4
            "a===      | 1",
            "aGk=x     | 4", // trailing garbage after the padding
            "aG=       | 3", // '==' expected but input ended
            "aG=x      | 2",
            "aGVs*G8=  | 4",
            "aGVsbG8_  | 7", // URL alphabet is not standard alphabet
        })
        void reportsGoOffsets(String input, int offset) {
            assertBuiltinError("base64.decode: illegal base64 data at input byte " + offset, "base64.decode", s(input));
        }

        @Test
        void isValid() {
            assertThat(call("base64.is_valid", s("aGVsbG8="))).isEqualTo(BooleanValue.of(true));
            assertThat(call("base64.is_valid", s("aGVsbG8"))).isEqualTo(BooleanValue.of(false));
            assertThat(call("base64.is_valid", NumberValue.of(1))).isEqualTo(BooleanValue.of(false));
        }

        @Test
        void urlVariants() {
            assertThat(call("base64url.encode", s("hello"))).isEqualTo(s("aGVsbG8="));
            assertThat(call("base64url.encode", s("\u00ff\u00fe"))).isEqualTo(s("w7_Dvg=="));
            assertThat(call("base64url.encode_no_pad", s("hello"))).isEqualTo(s("aGVsbG8"));
            assertThat(call("base64url.decode", s("aGVsbG8="))).isEqualTo(s("hello"));
            assertThat(call("base64url.decode", s("aGVsbG8"))).isEqualTo(s("hello"));
            assertThat(call("base64url.decode", s("w7_Dvg"))).isEqualTo(s("\u00ff\u00fe"));
        }

        @Test
        void urlDecodeErrors() {
            assertBuiltinError("base64url.decode: illegal base64url string: aGVsb", "base64url.decode", s("aGVsb"));
            // padded to "w7/Dvg==" first; '/' is not in the URL alphabet
            assertBuiltinError("base64url.decode: illegal base64 data at input byte 2", "base64url.decode", s("w7/Dvg"));
        }

        @Test
        void typeErrors() {
            assertTypeError("base64.encode: operand 1 must be string but got number", "base64.encode", NumberValue.of(1));
            assertTypeError("base64.decode: operand 1 must be string but got array", "base64.decode", ArrayValue.EMPTY);
            assertTypeError("base64url.encode: operand 1 must be string but got null", "base64url.encode",
                    NullValue.INSTANCE);
            assertTypeError("base64url.encode_no_pad: operand 1 must be string but got boolean",
                    "base64url.encode_no_pad", BooleanValue.of(true));
            assertTypeError("base64url.decode: operand 1 must be string but got object", "base64url.decode",
                    ObjectValue.EMPTY);
        }
    }

    @Nested
    class Hex {
        @Test
        void roundTrips() {
            assertThat(call("hex.encode", s("hi é"))).isEqualTo(s("686920c3a9"));
            assertThat(call("hex.decode", s("686920C3A9"))).isEqualTo(s("hi é"));
            assertThat(call("hex.decode", s(""))).isEqualTo(s(""));
        }

        @Test
        void errorsAsGoReportsThem() {
            assertBuiltinError("hex.decode: encoding/hex: odd length hex string", "hex.decode", s("686"));
            assertBuiltinError("hex.decode: encoding/hex: invalid byte: U+0067 'g'", "hex.decode", s("6g"));
            // an invalid last byte is reported before the odd length
            assertBuiltinError("hex.decode: encoding/hex: invalid byte: U+007A 'z'", "hex.decode", s("68z"));
            // Go sees bytes: the first byte of 'é' (0xC3) shows as U+00C3
            assertBuiltinError("hex.decode: encoding/hex: invalid byte: U+00C3 'Ã'", "hex.decode", s("é1"));
            assertBuiltinError("hex.decode: encoding/hex: invalid byte: U+000A", "hex.decode", s("\n1"));
            assertTypeError("hex.encode: operand 1 must be string but got number", "hex.encode", NumberValue.of(1));
            assertTypeError("hex.decode: operand 1 must be string but got set", "hex.decode", SetValue.EMPTY);
        }
    }

    @Nested
    class JsonMarshal {
        @Test
        void compactSortedWithSetsAsArrays() {
            Value v = ArrayValue.of(ObjectValue.of(s("foo"), SetValue.of(NumberValue.of(3), NumberValue.of(1),
                    NumberValue.of(2))));
            assertThat(call("json.marshal", v)).isEqualTo(s("[{\"foo\":[1,2,3]}]"));
            assertThat(text("json.marshal", json("{\"b\": null, \"a\": [true, 1.5, \"x\"]}")))
                    .isEqualTo("{\"a\":[true,1.5,\"x\"],\"b\":null}");
        }

        @Test
        void escapesLikeGo() {
            assertThat(text("json.marshal", s("<a&b>\u2028\"\\\n\t\u0001\u007f\b\f")))
                    .isEqualTo("\"\\u003ca\\u0026b\\u003e\\u2028\\\"\\\\\\n\\t\\u0001\u007f\\b\\f\"");
            assertThat(text("json.marshal", s("é😀"))).isEqualTo("\"é😀\"");
        }

        @Test
        void nonStringKeysBecomeJsonTextSortedByBytes() {
            Value obj = ObjectValue.of(NumberValue.of(10), s("ten"), s("9"), s("nine"),
                    ArrayValue.of(s("<")), s("arr"), BooleanValue.of(true), s("t"));
            assertThat(text("json.marshal", obj))
                    .isEqualTo("{\"10\":\"ten\",\"9\":\"nine\",\"[\\\"\\\\u003c\\\"]\":\"arr\",\"true\":\"t\"}");
            // a string key equal to a number key's text wins, being later in Rego order
            assertThat(text("json.marshal", ObjectValue.of(NumberValue.of(1), s("n"), s("1"), s("s"))))
                    .isEqualTo("{\"1\":\"s\"}");
        }

        @Test
        void withOptionsPretty() {
            Value v = json("{\"a\": [1, {\"b\": {}}], \"c\": []}");
            assertThat(text("json.marshal_with_options", v, json("{\"indent\": \"  \", \"prefix\": \"> \"}")))
                    .isEqualTo("> {\n>   \"a\": [\n>     1,\n>     {\n>       \"b\": {}\n>     }\n>   ],\n>   \"c\": []\n> }");
            assertThat(text("json.marshal_with_options", json("[1]"), json("{\"pretty\": true}")))
                    .isEqualTo("[\n\t1\n]");
            assertThat(text("json.marshal_with_options", json("{\"a\": 1}"), json("{\"pretty\": false, \"indent\": \"x\"}")))
                    .isEqualTo("{\"a\":1}");
            assertThat(text("json.marshal_with_options", json("{\"a\": 1}"), ObjectValue.EMPTY)).isEqualTo("{\"a\":1}");
        }

        @Test
        void withOptionsErrors() {
            String fn = "json.marshal_with_options";
            Value x = NumberValue.of(1);
            assertTypeError(fn + ": operand 2 must be object but got string", fn, x, s("pretty"));
            assertTypeError(fn + ": operand 2 key \"pretty\" failed cast to bool", fn, x, json("{\"pretty\": 1}"));
            assertTypeError(fn + ": operand 2 key \"prefix\" failed cast to string: operand 1 must be string but got number",
                    fn, x, json("{\"indent\": \"\", \"prefix\": 2}"));
            assertTypeError(fn + ": operand 2 object contained unknown key \"foo\"", fn, x, json("{\"foo\": 1}"));
            assertTypeError(fn + ": operand 2 failed to stringify key 1 at index 0: operand 0 must be string but got number",
                    fn, x, ObjectValue.of(NumberValue.of(1), s("a")));
        }
    }

    @Nested
    class JsonUnmarshal {
        @Test
        void keepsNumbersExact() {
            assertThat(call("json.unmarshal", s(" {\"a\": [1, 2.50, 123456789012345678901234567890, \"x\"]} ")))
                    .isEqualTo(ObjectValue.of(s("a"), ArrayValue.of(NumberValue.of(1), NumberValue.parse("2.5"),
                            NumberValue.parse("123456789012345678901234567890"), s("x"))));
            assertThat(call("json.unmarshal", s("null"))).isEqualTo(NullValue.INSTANCE);
        }

        @Test
        void trailingTextFollowsGoDecoderRules() {
            // only one more token is read, and a JSON null there is ignored
            assertThat(call("json.unmarshal", s("{} null garbage"))).isEqualTo(ObjectValue.EMPTY);
            String fn = "json.unmarshal";
            assertBuiltinError(fn + ": error(s) occurred while decoding: %!w(<nil>)", fn, s("{} 1"));
            assertBuiltinError(fn + ": error(s) occurred while decoding: %!w(<nil>)", fn, s("1 ["));
            assertBuiltinError(fn + ": invalid character 'x' looking for beginning of value", fn, s("{} x"));
            assertBuiltinError(fn + ": invalid character '}' looking for beginning of value", fn, s("{}}"));
            assertBuiltinError(fn + ": unexpected EOF", fn, s("{} tru"));
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``                | EOF",
            "`  `              | EOF",
            "{                 | unexpected EOF",
            "[1, 2             | unexpected EOF",
            "x                 | invalid character 'x' looking for beginning of value",
            "[1,]              | invalid character ']' looking for beginning of value",
            "{\"a\" 1}         | invalid character '1' after object key",
            "{\"a\": 1 \"b\"}  | invalid character '\"' after object key:value pair",
            "{1: 2}            | invalid character '1' looking for beginning of object key string",
            "[1 2]             | invalid character '2' after array element",
            "trx               | invalid character 'x' in literal true (expecting 'u')",
            "nul!              | invalid character '!' in literal null (expecting 'l')",
            "-a                | invalid character 'a' in numeric literal",
            "1.e5              | invalid character 'e' after decimal point in numeric literal",
            "1e+               | unexpected EOF",
            "1ex               | invalid character 'x' in exponent of numeric literal",
            "\"a\\qb\"         | invalid character 'q' in string escape code",
            "\"\\u12g4\"       | invalid character 'g' in \\u hexadecimal character escape",
            "'a'               | invalid character '\\'' looking for beginning of value",
            "é                 | invalid character 'Ã' looking for beginning of value",
        })
        void syntaxErrorsWordedLikeGo(String input, String message) {
            assertBuiltinError("json.unmarshal: " + message, "json.unmarshal", s(input));
        }

        @Test
        void controlCharacterInString() {
            assertBuiltinError("json.unmarshal: invalid character '\\t' in string literal", "json.unmarshal", s("\"a\tb\""));
            assertTypeError("json.unmarshal: operand 1 must be string but got number", "json.unmarshal", NumberValue.of(1));
        }

        @Test
        void isValid() {
            assertThat(call("json.is_valid", s("{\"json\": \"ok\"}"))).isEqualTo(BooleanValue.of(true));
            assertThat(call("json.is_valid", s(" [1, 2.5e3, \"\\u00e9\", null] "))).isEqualTo(BooleanValue.of(true));
            assertThat(call("json.is_valid", s("plainstring"))).isEqualTo(BooleanValue.of(false));
            assertThat(call("json.is_valid", s("{"))).isEqualTo(BooleanValue.of(false));
            assertThat(call("json.is_valid", s("{} null"))).isEqualTo(BooleanValue.of(false));
            assertThat(call("json.is_valid", s("01"))).isEqualTo(BooleanValue.of(false));
            assertThat(call("json.is_valid", s(""))).isEqualTo(BooleanValue.of(false));
            assertThat(call("json.is_valid", NumberValue.of(1))).isEqualTo(BooleanValue.of(false));
        }
    }

    @Nested
    class YamlMarshal {
        private String yaml(Value v) {
            return text("yaml.marshal", v);
        }

        @Test
        void blockLayoutLikeSigsYaml() {
            assertThat(yaml(json("[{\"foo\": [1, 2, 3]}]"))).isEqualTo("- foo:\n  - 1\n  - 2\n  - 3\n");
            assertThat(yaml(json("[{\"t\": \"a\"}, {\"t\": {\"b\": 1, \"c\": 2}}]")))
                    .isEqualTo("- t: a\n- t:\n    b: 1\n    c: 2\n");
            assertThat(yaml(json("{\"a\": {\"b\": [{\"c\": 1, \"d\": 2}]}, \"e\": [[1, 2]], \"f\": {}, \"g\": []}")))
                    .isEqualTo("a:\n  b:\n  - c: 1\n    d: 2\ne:\n- - 1\n  - 2\nf: {}\ng: []\n");
            assertThat(yaml(SetValue.of(s("b"), s("a")))).isEqualTo("- a\n- b\n");
        }

        @Test
        void rootScalars() {
            assertThat(yaml(s("hello"))).isEqualTo("hello\n");
            assertThat(yaml(NullValue.INSTANCE)).isEqualTo("null\n");
            assertThat(yaml(NumberValue.of(7))).isEqualTo("7\n");
            assertThat(yaml(ObjectValue.EMPTY)).isEqualTo("{}\n");
            assertThat(yaml(s("multi\nline"))).isEqualTo("|-\n  multi\n  line\n");
        }

        @Test
        void quotesWhatWouldReadBackDifferently() {
            Value v = json("{\"a\": \"true\", \"b\": \"1.5\", \"c\": \"yes\", \"d\": \"\", \"e\": \"- x\", \"f\": \"a: b\","
                    + " \"g\": \" lead\", \"h\": \"2015-02-24T18:19:39Z\", \"i\": \"1:1\", \"j\": \"tab\\there\","
                    + " \"k\": \"it's\", \"l\": \"0755\", \"m\": \"~\", \"o\": \"a #b\", \"p\": \"<<\", \"q\": \"plain text\"}");
            assertThat(yaml(v)).isEqualTo("""
                    a: "true"
                    b: "1.5"
                    c: "yes"
                    d: ""
                    e: '- x'
                    f: 'a: b'
                    g: ' lead'
                    h: "2015-02-24T18:19:39Z"
                    i: "1:1"
                    j: "tab\\there"
                    k: it's
                    l: "0755"
                    m: "~"
                    o: 'a #b'
                    p: "<<"
                    q: plain text
                    """);
        }

        @Test
        void blockScalarsAndEscapes() {
            assertThat(yaml(json("{\"a\": \"x\\n\", \"b\": \"x\\n\\n\", \"c\": \" x\\ny\", \"d\": \"sp \\nx\"}")))
                    .isEqualTo("a: |\n  x\nb: |+\n  x\n\nc: |2-\n   x\n  y\nd: \"sp \\nx\"\n");
            assertThat(yaml(json("{\"x\": \"emoji 😀\", \"z\": \"\\u0001\"}")))
                    .isEqualTo("x: \"emoji \\U0001F600\"\nz: \"\\x01\"\n");
        }

        @Test
        void keysInGoYamlNaturalOrderAndQuotedWhenAmbiguous() {
            assertThat(yaml(json("{\"a10\": 1, \"a2\": 2, \"a1\": 3, \"B\": 4, \"1\": 5, \"n\": 6}")))
                    .isEqualTo("\"1\": 5\nB: 4\na1: 3\na2: 2\na10: 1\n\"n\": 6\n");
            assertThat(yaml(ObjectValue.of(NumberValue.of(1), s("x")))).isEqualTo("\"1\": x\n");
            assertThat(yaml(ObjectValue.of(s("two\nlines"), s("v")))).isEqualTo("? |-\n  two\n  lines\n: v\n");
            String longKey = "k".repeat(129);
            assertThat(yaml(ObjectValue.of(s(longKey), NumberValue.of(1)))).isEqualTo("? " + longKey + "\n: 1\n");
        }

        @Test
        void numbersAsGoYamlPrintsThem() {
            assertThat(yaml(json("[1, -2, 1.5, 1000000.5, 0.00001, 123456.5, 9223372036854775808, "
                    + "18446744073709551616]")))
                    .isEqualTo("- 1\n- -2\n- 1.5\n- 1.0000005e+06\n- 1e-05\n- 123456.5\n- 9223372036854775808\n"
                            + "- 1.8446744073709552e+19\n");
        }

        @Test
        void foldsLongLinesAtEightyColumns() {
            String words = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr";
            assertThat(yaml(ObjectValue.of(s("long"), s(words))))
                    .isEqualTo("long: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp\n"
                            + "  qqqq rrrr\n");
        }
    }

    @Nested
    class YamlUnmarshal {
        private Value yaml(String text) {
            return call("yaml.unmarshal", s(text));
        }

        @Test
        void resolvesScalarsLikeGoYamlV3() {
            assertThat(yaml("[yes, on, true, FALSE, ~, null, '', 0x10, 0o17, 0755, 08, 1_000, 1e3, .5, 2023-01-01, \"q\","
                    + " 0b101, -0x1F, +12, 3.0, 9223372036854775808, 1e400, abc]"))
                    .isEqualTo(ArrayValue.of(s("yes"), s("on"), BooleanValue.of(true), BooleanValue.of(false),
                            NullValue.INSTANCE, NullValue.INSTANCE, s(""), NumberValue.of(16), NumberValue.of(15),
                            NumberValue.of(493), NumberValue.of(8), NumberValue.of(1000), NumberValue.of(1000),
                            NumberValue.parse("0.5"), s("2023-01-01"), s("q"), NumberValue.of(5), NumberValue.of(-31),
                            NumberValue.of(12), NumberValue.of(3), NumberValue.parse("9223372036854775808"),
                            s("1e400"), s("abc")));
        }

        @Test
        void opaKeywordKeyCases() {
            assertThat(yaml("on: push\noff: x\n")).isEqualTo(json("{\"on\": \"push\", \"off\": \"x\"}"));
            assertThat(yaml("1: a\ntrue: b\n1.5: c\n")).isEqualTo(json("{\"1\": \"a\", \"true\": \"b\", \"1.5\": \"c\"}"));
            assertThat(yaml("a: 2023-01-01\n")).isEqualTo(json("{\"a\": \"2023-01-01\"}"));
        }

        @Test
        void structures() {
            assertThat(yaml("a:\n  - qux: bar\n  - baz: 2\nb: {x: [1, 2]}\n"))
                    .isEqualTo(json("{\"a\": [{\"qux\": \"bar\"}, {\"baz\": 2}], \"b\": {\"x\": [1, 2]}}"));
            assertThat(yaml("a: |\n  line1\n  line2\nb: >\n  folded\n  text\n"))
                    .isEqualTo(json("{\"a\": \"line1\\nline2\\n\", \"b\": \"folded text\\n\"}"));
            assertThat(yaml("a: 1\na: 2\n")).isEqualTo(json("{\"a\": 2}")); // duplicates: the last one wins
        }

        @Test
        void anchorsAliasesAndMerges() {
            assertThat(yaml("- &a x\n- *a\n- &b [1]\n- *b\n"))
                    .isEqualTo(json("[\"x\", \"x\", [1], [1]]"));
            assertThat(yaml("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n"))
                    .isEqualTo(json("{\"base\": {\"x\": 1, \"y\": 2}, \"d\": {\"x\": 1, \"y\": 3}}"));
            assertThat(yaml("a:\n  <<: [{x: 1}, {x: 2, z: 3}]\n  y: 0\n"))
                    .isEqualTo(json("{\"a\": {\"x\": 1, \"y\": 0, \"z\": 3}}"));
            assertThat(yaml("- \"<<\"\n- <<\n")).isEqualTo(json("[\"<<\", \"<<\"]"));
        }

        @Test
        void tags() {
            assertThat(yaml("[!!str 12, ! 12, !foo bar, !!binary aGVsbG8=, !!float 1, !!int \"7\"]"))
                    .isEqualTo(ArrayValue.of(s("12"), s("12"), s("bar"), s("hello"), NumberValue.of(1), NumberValue.of(7)));
        }

        @Test
        void onlyTheFirstDocumentIsRead() {
            assertThat(yaml("a: 1\n---\nb: 2\n")).isEqualTo(json("{\"a\": 1}"));
            assertThat(yaml("")).isEqualTo(NullValue.INSTANCE);
            assertThat(yaml("# just a comment\n")).isEqualTo(NullValue.INSTANCE);
            assertThat(yaml("---\n")).isEqualTo(NullValue.INSTANCE);
        }

        @Test
        void errors() {
            String fn = "yaml.unmarshal";
            assertBuiltinError(fn + ": json: unsupported value: NaN", fn, s("a: .nan"));
            assertBuiltinError(fn + ": json: unsupported value: +Inf", fn, s("a: .inf"));
            assertBuiltinError(fn + ": yaml: unknown anchor 'x' referenced", fn, s("a: *x"));
            assertBuiltinError(fn + ": yaml: anchor 'a' value contains itself", fn, s("a: &a [1, *a]"));
            assertBuiltinError(fn + ": yaml: cannot decode !!str `abc` as a !!int", fn, s("a: !!int abc"));
            assertBuiltinError(fn + ": yaml: map merge requires map or sequence of maps as the value", fn,
                    s("x: &s [1]\na:\n  <<: *s\n"));
            assertBuiltinError(fn + ": unsupported map key of type: %!s(<nil>), key: <nil>, value: a", fn, s("~: a"));
            assertThatThrownBy(() -> yaml("a: [1, 2")).isInstanceOfSatisfying(BuiltinException.class, e -> {
                assertThat(e.kind()).isEqualTo(BuiltinException.Kind.BUILTIN);
                assertThat(e.getMessage()).startsWith(fn + ": yaml: line ");
            });
            assertTypeError(fn + ": operand 1 must be string but got number", fn, NumberValue.of(1));
        }

        @Test
        void roundTripsMarshalOutput() {
            Value v = ArrayValue.of(ObjectValue.of(s("foo"), SetValue.of(NumberValue.of(1), NumberValue.of(2))));
            assertThat(yaml(text("yaml.marshal", v))).isEqualTo(json("[{\"foo\": [1, 2]}]"));
        }
    }

    @Nested
    class YamlIsValid {
        private Value valid(Value v) {
            return call("yaml.is_valid", v);
        }

        @Test
        void conformanceCases() {
            assertThat(valid(s("foo:\n  - qux: bar\n  - baz: 2"))).isEqualTo(BooleanValue.of(true));
            assertThat(valid(s("foo:\n  - qux: bar\n  - baz: {"))).isEqualTo(BooleanValue.of(false));
            assertThat(valid(s("{\"json\": \"ok\"}"))).isEqualTo(BooleanValue.of(true));
            assertThat(valid(NumberValue.of(1))).isEqualTo(BooleanValue.of(false));
        }

        @Test
        void lookaheadIntoTheNextDocument() {
            assertThat(valid(s("  test:\ntest1: hello\n"))).isEqualTo(BooleanValue.of(false));
            // the second document is never returned, but its broken start is still seen
            assertThat(valid(s("a: 1\n---\n\tb: 2\n"))).isEqualTo(BooleanValue.of(false));
            assertThat(valid(s("a: 1\n---\nb: 2\n"))).isEqualTo(BooleanValue.of(true));
        }

        @Test
        void invalidWhenConversionFails() {
            assertThat(valid(s("a: .nan"))).isEqualTo(BooleanValue.of(false));
            assertThat(valid(s("~: a"))).isEqualTo(BooleanValue.of(false));
        }
    }

    @Nested
    class UrlQuery {
        @Test
        void encodeAndDecode() {
            assertThat(call("urlquery.encode", s("a b&c=d/é~*"))).isEqualTo(s("a+b%26c%3Dd%2F%C3%A9~%2A"));
            assertThat(call("urlquery.decode", s("a+b%26c%3dd%2F%C3%A9"))).isEqualTo(s("a b&c=d/é"));
            assertBuiltinError("urlquery.decode: invalid URL escape \"%zz\"", "urlquery.decode", s("x%zz1"));
            assertBuiltinError("urlquery.decode: invalid URL escape \"%1\"", "urlquery.decode", s("%1"));
            assertBuiltinError("urlquery.decode: invalid URL escape \"%é\"", "urlquery.decode", s("%é1"));
            // the three bytes Go quotes can end inside a character; those bytes are shown as \xNN
            assertBuiltinError("urlquery.decode: invalid URL escape \"%\\xe2\\x82\"", "urlquery.decode", s("%€"));
            assertTypeError("urlquery.encode: operand 1 must be string but got number", "urlquery.encode",
                    NumberValue.of(1));
        }

        @Test
        void encodeObject() {
            assertThat(call("urlquery.encode_object", json("{\"b\": [\"x\", \"y z\"], \"a\": \"1\", \"c\": [], \"d e\": \"&\"}")))
                    .isEqualTo(s("a=1&b=x&b=y+z&d+e=%26"));
            assertThat(call("urlquery.encode_object", ObjectValue.of(s("s"), SetValue.of(s("b"), s("a")))))
                    .isEqualTo(s("s=a&s=b"));
            String fn = "urlquery.encode_object";
            assertTypeError(fn + ": operand 1 values must be string, array[string], or set[string]", fn,
                    json("{\"a\": 1}"));
            assertTypeError(fn + ": operand 1 values must be string, array[string], or set[string]", fn,
                    json("{\"a\": [\"x\", 1]}"));
            assertTypeError(fn + ": operand 1 must be object but got set", fn, SetValue.EMPTY);
        }

        @Test
        void decodeObject() {
            assertThat(call("urlquery.decode_object", s("a=1&b=2&a=3&&c&d=x+y")))
                    .isEqualTo(json("{\"a\": [\"1\", \"3\"], \"b\": [\"2\"], \"c\": [\"\"], \"d\": [\"x y\"]}"));
            assertThat(call("urlquery.decode_object", s(""))).isEqualTo(ObjectValue.EMPTY);
            String fn = "urlquery.decode_object";
            assertBuiltinError(fn + ": invalid semicolon separator in query", fn, s("a=1;b=2"));
            assertBuiltinError(fn + ": invalid URL escape \"%zz\"", fn, s("a=%zz&b=%yy"));
            assertTypeError(fn + ": operand 1 must be string but got boolean", fn, BooleanValue.of(false));
        }
    }
}

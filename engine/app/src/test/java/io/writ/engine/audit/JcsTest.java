package io.writ.engine.audit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 8785: the examples of the RFC, ECMAScript number printing, key order by UTF-16 code units. */
class JcsTest {
    private static final ObjectMapper EXACT = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    private static String jcs(String json) throws Exception {
        return Jcs.canonicalize(EXACT.readTree(json));
    }

    @Test
    void theRfcExampleOfSection322() throws Exception {
        String input = """
                {
                  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
                  "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
                  "literals": [null, true, false]
                }""";
        assertThat(jcs(input)).isEqualTo("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    }

    @Test
    void membersAreSortedByUtf16CodeUnitsAtEveryDepth() throws Exception {
        // RFC 8785 §3.2.3: U+FB33 sorts after the surrogate pair of U+1F600, unlike in code point order
        String input = "{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\", \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\","
                + " \"1\": \"One\", \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\", \"\\u00f6\": \"Latin Small Letter O With Diaeresis\","
                + " \"nested\": {\"b\": 1, \"a\": [{\"z\": 0, \"y\": 0}]}}";
        assertThat(jcs(input)).isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"nested\":{\"a\":[{\"y\":0,\"z\":0}],\"b\":1},"
                + "\"\u0080\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\","
                + "\"\uD83D\uDE00\":\"Emoji: Grinning Face\",\"\uFB33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0, 0",
            "-0, 0",
            "-0.0, 0",
            "1, 1",
            "-1, -1",
            "0.1, 0.1",
            "4.50, 4.5",
            "1e21, 1e+21",
            "1e20, 100000000000000000000",
            "123e18, 123000000000000000000",
            "1e-6, 0.000001",
            "1e-7, 1e-7",
            "1.5e-7, 1.5e-7",
            "2e-7, 2e-7",
            "9.5e-7, 9.5e-7",
            "5e-7, 5e-7",
            "3e50, 3e+50",
            "0.000001234, 0.000001234",
            "9007199254740992, 9007199254740992",
            "9007199254740993, 9007199254740992",
            "-9007199254740993, -9007199254740992",
            "-9007199254740991, -9007199254740991",
            "1152921504606846976, 1152921504606847000",
            "12345678901234567890, 12345678901234567000",
            "123456789012345678901234, 1.2345678901234569e+23",
            "5e-324, 5e-324",
            "1.7976931348623157e308, 1.7976931348623157e+308",
            "-1.5e300, -1.5e+300",
            "333333333.33333329, 333333333.3333333",
            "295147905179352830000, 295147905179352830000",
            "0.30000000000000004, 0.30000000000000004",
    })
    void numbersPrintAsEcmascriptDoes(String json, String canonical) throws Exception {
        assertThat(jcs(json)).isEqualTo(canonical);
    }

    @Test
    void numbersOutsideTheDoubleRangeAreRefused() {
        assertThatThrownBy(() -> jcs("1e400")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Jcs.number(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stringsEscapeOnlyWhatJsonRequires() throws Exception {
        assertThat(jcs("\"\\u0000\\u001f\\b\\f\\n\\r\\t \\u007f\\u2028/<>&'\"")).isEqualTo(
                "\"\\u0000\\u001f\\b\\f\\n\\r\\t \u007f\u2028/<>&'\"");
        assertThat(jcs("\"\\\"\\\\\"")).isEqualTo("\"\\\"\\\\\"");
    }

    @Test
    void unpairedSurrogatesAreRefused() {
        assertThatThrownBy(() -> Jcs.canonicalize(TextNode.valueOf("a\uD800b"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("surrogate");
        assertThat(Jcs.canonicalize(JsonNodeFactory.instance.textNode("\uD83D\uDE00"))).isEqualTo("\"\uD83D\uDE00\"");
    }

    /** The value path prints exactly what the JSON-tree path prints for the value's JSON form. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "{\"b\": [1, 2.50, -0, 1e21, 12345678901234567890, 9007199254740993, 0.1], \"a\": {\"z\": null, \"y\": true}}",
            "[\"tab\\there\", \"quote\\\"\", \"\\u0001\", \"\\u00e9\\u4e2d\", \"\\ud83d\\ude00\"]",
            "{\"\\ud83d\\ude00\": 1, \"\\uffff\": 2, \"\\ue000\": 3, \"a\": 4}",
            "{\"n\": [1.5e-7, 333333333.33333329, 123e18, -1.5e300, 5e-324, 100, -9007199254740992]}",
            "{}", "[]", "\"x\"", "0"})
    void aValueCanonicalizesAsItsJsonForm(String json) throws Exception {
        io.writ.rego.value.Value v = io.writ.rego.value.Json.parse(json);
        assertThat(Jcs.canonicalize(v)).isEqualTo(Jcs.canonicalize(v.toJson()));
    }

    @Test
    void aSetCanonicalizesAsTheArrayOfItsElementsAndAnUnpairedSurrogateBecomesTheReplacementCharacter() {
        var set = io.writ.rego.value.SetValue.of(io.writ.rego.value.StringValue.of("b"), io.writ.rego.value.StringValue.of("a"));
        assertThat(Jcs.canonicalize(set)).isEqualTo("[\"a\",\"b\"]").isEqualTo(Jcs.canonicalize(set.toJson()));
        assertThat(Jcs.canonicalize(io.writ.rego.value.StringValue.of("a\uD800b"))).isEqualTo("\"a\uFFFDb\"");
    }

    @Test
    void aKnownPartIsWrittenFromItsTextWhereThatVeryValueOccurs() {
        io.writ.rego.value.Value part = io.writ.rego.value.Json.parse("{\"b\": [1e21, 0.50, \"\\u20ac\\u000f\"], \"a\": {}}");
        io.writ.rego.value.Value equal = io.writ.rego.value.Json.parse("{\"b\": [1e21, 0.50, \"\\u20ac\\u000f\"], \"a\": {}}");
        var whole = io.writ.rego.value.ObjectValue.builder().put("z", part).put("y", equal).build();
        String full = Jcs.canonicalize(whole);
        assertThat(full).isEqualTo("{\"y\":{\"a\":{},\"b\":[1e+21,0.5,\"\u20ac\\u000f\"]},\"z\":{\"a\":{},\"b\":[1e+21,0.5,\"\u20ac\\u000f\"]}}");
        // with the part's own canonical text, the result is the same
        assertThat(Jcs.canonicalize(whole, 16, new Jcs.Known(part, Jcs.canonicalize(part)))).isEqualTo(full);
        // the text is used as given, and only for that instance: an equal value elsewhere is written out
        assertThat(Jcs.canonicalize(whole, 16, new Jcs.Known(part, "\"T\"")))
                .isEqualTo("{\"y\":" + Jcs.canonicalize(equal) + ",\"z\":\"T\"}");
    }

    @Test
    void aReusedCanonicalizationGivesTheSameTextAsAFreshOne() {
        var r = new java.util.Random(7);
        java.util.List<io.writ.rego.value.Value> entries = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            entries.add(entry(r, i));
        }
        Jcs.Reusable last = null;
        for (int version = 0; version < 30; version++) {
            // each version replaces, adds, drops or moves an entry; the others are the same instances as before
            switch (version % 4) {
                case 0 -> entries.set(r.nextInt(entries.size()), entry(r, version));
                case 1 -> entries.add(r.nextInt(entries.size()), entry(r, 100 + version));
                case 2 -> entries.remove(r.nextInt(entries.size()));
                default -> entries.add(entries.remove(r.nextInt(entries.size())));
            }
            var dossier = io.writ.rego.value.ObjectValue.builder()
                    .put("usage", io.writ.rego.value.ArrayValue.of(java.util.List.copyOf(entries)))
                    .put("tenant", io.writ.rego.value.Json.parse("{\"id\": \"t\u00e9\"}")).build();
            Jcs.Reusable next = Jcs.canonicalizeReusing(dossier, 64, last);
            assertThat(next.text()).isEqualTo(Jcs.canonicalize(dossier));
            last = next;
        }
        // an equal object that is not the same instance is worked out, not copied: the text stays right either way
        var copy = io.writ.rego.value.ArrayValue.of(entries.stream()
                .map(e -> io.writ.rego.value.Json.parse(Jcs.canonicalize(e))).toList());
        assertThat(Jcs.canonicalizeReusing(copy, 64, last).text()).isEqualTo(Jcs.canonicalize(copy));
    }

    private static io.writ.rego.value.Value entry(java.util.Random r, int n) {
        return io.writ.rego.value.Json.parse("{\"value\": " + r.nextLong() + ", \"share\": " + r.nextDouble()
                + ", \"name\": \"e-" + n + "\\u00e9\\ud83d\\ude00\", \"period\": {\"start\": \"2025-07-0" + (n % 9 + 1)
                + "\"}, \"tags\": [" + n + ", {\"k\": " + n + "}]}");
    }
}

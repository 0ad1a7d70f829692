package io.writ.rego.builtins;

import io.writ.rego.value.Json;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UuidTest {

    private static Value call(long now, String name, Value... args) {
        return Registry.standard().get(name).impl().call(BuiltinContext.fixed(now), args);
    }

    private static StringValue s(String v) {
        return StringValue.of(v);
    }

    @Test
    void rfc4122IsAVersion4UuidStableWithinAnEvaluation() {
        assertThat(Registry.standard().get("uuid.rfc4122").nondeterministic()).isTrue();
        String first = ((StringValue) call(1, "uuid.rfc4122", s("key"))).value();
        assertThat(first).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(call(1, "uuid.rfc4122", s("key"))).isEqualTo(s(first));
        assertThat(call(1, "uuid.rfc4122", s("other"))).isNotEqualTo(s(first));
        assertThat(call(2, "uuid.rfc4122", s("key"))).isNotEqualTo(s(first));
    }

    @Test
    void parseVersion2() {
        Value expected = Json.parse("{\"clocksequence\": 12800, \"domain\": \"Person\", \"id\": 1000, "
                + "\"macvariables\": \"local:unicast\", \"nodeid\": \"32-50-96-b3-9f-47\", \"time\": 1693566990121469600, "
                + "\"variant\": \"RFC4122\", \"version\": 2}");
        assertThat(call(0, "uuid.parse", s("000003e8-48b9-21ee-b200-325096b39f47"))).isEqualTo(expected);
        assertThat(call(0, "uuid.parse", s("urn:uuid:000003e8-48b9-21ee-b200-325096b39f47"))).isEqualTo(expected);
    }

    @Test
    void parseVersion1HasNoDomainOrId() {
        assertThat(call(0, "uuid.parse", s("c232ab00-9414-11ec-b3c8-9f6bdeced846")))
                .isEqualTo(Json.parse("{\"clocksequence\": 13256, \"macvariables\": \"local:multicast\", "
                        + "\"nodeid\": \"9f-6b-de-ce-d8-46\", \"time\": 1645557742000000000, \"variant\": \"RFC4122\", "
                        + "\"version\": 1}"));
    }

    @Test
    void parseOtherVersionsAndForms() {
        Value v4 = Json.parse("{\"variant\": \"RFC4122\", \"version\": 4}");
        assertThat(call(0, "uuid.parse", s("00000000-0000-4000-8000-000000000000"))).isEqualTo(v4);
        assertThat(call(0, "uuid.parse", s("{00000000-0000-4000-8000-000000000000}"))).isEqualTo(v4);
        assertThat(call(0, "uuid.parse", s("6bea8ef2d3d33cd184e09bab06a52ece")))
                .isEqualTo(Json.parse("{\"variant\": \"RFC4122\", \"version\": 3}"));
        assertThat(call(0, "uuid.parse", s("00000000-0000-5000-c000-000000000000")))
                .isEqualTo(Json.parse("{\"variant\": \"Microsoft\", \"version\": 5}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "123", "00000000-0000-4000-8000-00000000000g", "00000000_0000-4000-8000-000000000000",
        "urn:uuix:00000000-0000-4000-8000-000000000000", "6bea8ef2d3d33cd184e09bab06a52ecg"})
    void parseIsUndefinedForInvalidInput(String input) {
        assertThat(call(0, "uuid.parse", s(input))).isNull();
    }

    @Test
    void parseOperandMustBeString() {
        assertThatThrownBy(() -> call(0, "uuid.parse", NumberValue.of(123)))
                .isInstanceOfSatisfying(BuiltinException.class, e -> {
                    assertThat(e.kind()).isEqualTo(BuiltinException.Kind.TYPE);
                    assertThat(e.getMessage()).isEqualTo("uuid.parse: operand 1 must be string but got number");
                });
    }
}

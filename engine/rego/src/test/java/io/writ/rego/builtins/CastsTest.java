package io.writ.rego.builtins;

import io.writ.rego.value.StringValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static io.writ.rego.builtins.BuiltinCalls.builtinError;
import static io.writ.rego.builtins.BuiltinCalls.call;
import static io.writ.rego.builtins.BuiltinCalls.json;
import static io.writ.rego.builtins.BuiltinCalls.num;
import static io.writ.rego.builtins.BuiltinCalls.set;
import static io.writ.rego.builtins.BuiltinCalls.typeError;
import static org.assertj.core.api.Assertions.assertThat;

class CastsTest {

    @Test
    void convertsNullBooleansAndNumbers() {
        assertThat(call("to_number", json("null"))).isEqualTo(num("0"));
        assertThat(call("to_number", json("true"))).isEqualTo(num("1"));
        assertThat(call("to_number", json("false"))).isEqualTo(num("0"));
        assertThat(call("to_number", num("-2.5"))).isEqualTo(num("-2.5"));
    }

    @ParameterizedTest(name = "to_number(\"{0}\") = {1}")
    @CsvSource({
            "3, 3",
            "-12, -12",
            "+5, 5",
            "0.1, 0.1",
            "007, 7",
            ".5, 0.5",
            "5., 5",
            "1e3, 1000",
            "1.5E-2, 0.015",
            "123456789012345678901234567890, 123456789012345678901234567890",
            "1_000, 1000",
            "0x10p0, 16",
            "0x1.8p1, 3",
            "-0x1p-2, -0.25",
            "1e-400, 1e-400",
    })
    void parsesGoFloatSyntaxExactly(String text, String want) {
        assertThat(call("to_number", StringValue.of(text))).isEqualTo(num(want));
    }

    @ParameterizedTest(name = "to_number(\"{0}\") is a syntax error")
    @CsvSource({"broken", "''", "' 1'", "1e", "--1", "1_", "_1", "1__0", "0x10", "1.2.3", "0b101", "١"})
    void rejectsWhatParseFloatRejects(String text) {
        builtinError("to_number: strconv.ParseFloat: parsing \"" + text + "\": invalid syntax",
                "to_number", StringValue.of(text));
    }

    @Test
    void quotesTheInputLikeGo() {
        builtinError("to_number: strconv.ParseFloat: parsing \"a\\\"b\\n\": invalid syntax",
                "to_number", StringValue.of("a\"b\n"));
    }

    @Test
    void rejectsOutOfRangeAndNonFiniteNames() {
        builtinError("to_number: strconv.ParseFloat: parsing \"1e400\": value out of range", "to_number",
                StringValue.of("1e400"));
        builtinError("to_number: strconv.ParseFloat: parsing \"-1e99999999999\": value out of range", "to_number",
                StringValue.of("-1e99999999999"));
        builtinError("to_number: strconv.ParseFloat: parsing \"0x1p99999999999\": value out of range", "to_number",
                StringValue.of("0x1p99999999999"));
        assertThat(call("to_number", StringValue.of("1e-99999999999"))).isEqualTo(num("0"));
        for (String s : new String[] {"Inf", "-inf", "+Infinity", "NaN"}) {
            typeError("to_number: operand 1 must be valid number string but got string", "to_number", StringValue.of(s));
        }
    }

    @Test
    void rejectsOtherTypes() {
        typeError("to_number: operand 1 must be one of {null, boolean, number, string} but got array", "to_number",
                json("[]"));
        typeError("to_number: operand 1 must be one of {null, boolean, number, string} but got set", "to_number",
                set());
    }
}

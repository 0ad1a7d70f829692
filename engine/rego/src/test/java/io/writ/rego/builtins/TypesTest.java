package io.writ.rego.builtins;

import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.writ.rego.builtins.BuiltinCalls.call;
import static io.writ.rego.builtins.BuiltinCalls.json;
import static io.writ.rego.builtins.BuiltinCalls.set;
import static org.assertj.core.api.Assertions.assertThat;

class TypesTest {
    private static final Map<String, Value> SAMPLES = Map.of(
            "null", json("null"),
            "boolean", json("false"),
            "number", json("1.5"),
            "string", StringValue.of("Hello"),
            "array", json("[1, 2, 3]"),
            "object", json("{\"foo\": 1}"),
            "set", set(json("1")));

    @Test
    void typeNameNamesEveryType() {
        SAMPLES.forEach((name, v) -> assertThat(call("type_name", v)).isEqualTo(StringValue.of(name)));
    }

    @Test
    void predicatesAreTrueOrFalseNeverUndefined() {
        for (String type : List.of("null", "boolean", "number", "string", "array", "object", "set")) {
            SAMPLES.forEach((name, v) -> assertThat(call("is_" + type, v)).as("is_%s(%s)", type, name)
                    .isEqualTo(BooleanValue.of(name.equals(type))));
        }
    }
}

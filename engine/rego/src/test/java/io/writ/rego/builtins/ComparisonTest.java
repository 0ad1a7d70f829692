package io.writ.rego.builtins;

import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.writ.rego.builtins.BuiltinCalls.call;
import static io.writ.rego.builtins.BuiltinCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

class ComparisonTest {

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource(delimiter = '|', value = {
            // x | y | equal | neq | lt | gt | lte | gte
            "1 | 1 | true | false | false | false | true | true",
            "1 | 1.0 | true | false | false | false | true | true",
            "-1 | 0 | false | true | true | false | true | false",
            "28857836529306024611913 | 28857836529306024611912 | false | true | false | true | false | true",
            "\"a\" | \"b\" | false | true | true | false | true | false",
            "null | false | false | true | true | false | true | false",
            "true | 0 | false | true | true | false | true | false",
            "100 | \"1\" | false | true | true | false | true | false",
            "\"z\" | [] | false | true | true | false | true | false",
            "[1, 2] | [1, 3] | false | true | true | false | true | false",
            "[1, 2] | [1] | false | true | false | true | false | true",
            "[9] | {} | false | true | true | false | true | false",
            "{\"a\": 1} | {\"a\": 1} | true | false | false | false | true | true",
            "{\"a\": 1} | {\"a\": 2} | false | true | true | false | true | false",
    })
    void comparesInOpasTotalOrder(String x, String y, boolean eq, boolean ne, boolean lt, boolean gt,
                                  boolean le, boolean ge) {
        Value a = json(x);
        Value b = json(y);
        assertThat(call("equal", a, b)).isEqualTo(BooleanValue.of(eq));
        assertThat(call("neq", a, b)).isEqualTo(BooleanValue.of(ne));
        assertThat(call("lt", a, b)).isEqualTo(BooleanValue.of(lt));
        assertThat(call("gt", a, b)).isEqualTo(BooleanValue.of(gt));
        assertThat(call("lte", a, b)).isEqualTo(BooleanValue.of(le));
        assertThat(call("gte", a, b)).isEqualTo(BooleanValue.of(ge));
    }
}

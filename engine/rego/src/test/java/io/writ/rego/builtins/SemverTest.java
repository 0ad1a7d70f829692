package io.writ.rego.builtins;

import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static io.writ.rego.builtins.BuiltinCalls.call;

class SemverTest {

    private static Value compare(String a, String b) {
        return call("semver.compare", StringValue.of(a), StringValue.of(b));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0.0", "0.0.0", "v1.2.3", "1.2.3-alpha", "1.2.3-alpha.1", "1.2.3+build.5", "1.2.3-rc.1+build-7",
            "01.2.3", "1.2.3-", "1.2.3+", "9223372036854775807.0.0", "1.0.0-0A.is.legal"})
    void valid(String version) {
        assertThat(call("semver.is_valid", StringValue.of(version))).isEqualTo(BooleanValue.of(true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.2", "1.2.3.4", "vv1.2.3", "1.2.x", "a.b.c", "1.2.3-alpha..1", "1.2.3-al_pha",
            "1.2.3+meta+meta", "9223372036854775808.0.0", "1..3", " 1.2.3", "1.2.3-\u00e9"})
    void invalid(String version) {
        assertThat(call("semver.is_valid", StringValue.of(version))).isEqualTo(BooleanValue.of(false));
    }

    @Test
    void nonStringsAreNotValid() {
        assertThat(call("semver.is_valid", NumberValue.of(1))).isEqualTo(BooleanValue.of(false));
    }

    @ParameterizedTest
    @CsvSource({
            "1.0.0, 1.0.0, 0",
            "1.0.0, 2.0.0, -1",
            "2.1.0, 2.0.9, 1",
            "1.0.10, 1.0.9, 1",
            "v1.0.0, 1.0.0, 0",
            "1.0.0+a, 1.0.0+b, 0",
            "1.0.0-alpha, 1.0.0, -1",
            "1.0.0, 1.0.0-alpha, 1",
            "1.0.0-alpha, 1.0.0-alpha.1, -1",
            "1.0.0-alpha.1, 1.0.0-alpha.beta, -1",
            "1.0.0-alpha.beta, 1.0.0-beta, -1",
            "1.0.0-beta, 1.0.0-beta.2, -1",
            "1.0.0-beta.2, 1.0.0-beta.11, -1",
            "1.0.0-beta.11, 1.0.0-rc.1, -1",
            "1.0.0-rc.1, 1.0.0-beta.11, 1",
            "1.0.0-01, 1.0.0-1, 0",
            "1.0.0-99999999999999999999, 1.0.0-99999999999999999998, 0",
            "1.0.0-Beta, 1.0.0-alpha, -1",
    })
    void precedence(String a, String b, int expected) {
        assertThat(compare(a, b)).isEqualTo(NumberValue.of(expected));
    }

    @Test
    void compareRejectsInvalidVersions() {
        assertThatThrownBy(() -> compare("1.2", "1.0.0"))
                .isInstanceOfSatisfying(BuiltinException.class, e -> assertThat(e.kind()).isEqualTo(BuiltinException.Kind.BUILTIN))
                .hasMessage("semver.compare: operand 1: string 1.2 is not a valid SemVer");
        assertThatThrownBy(() -> compare("1.0.0", "x"))
                .hasMessage("semver.compare: operand 2: string x is not a valid SemVer");
    }

    @Test
    void compareRejectsNonStrings() {
        assertThatThrownBy(() -> call("semver.compare", StringValue.of("1.0.0"), NumberValue.of(1)))
                .isInstanceOfSatisfying(BuiltinException.class, e -> assertThat(e.kind()).isEqualTo(BuiltinException.Kind.TYPE))
                .hasMessage("semver.compare: operand 2 must be string but got number");
    }
}

package io.writ.rego.builtins;

import io.writ.rego.value.Json;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static io.writ.rego.builtins.BuiltinCalls.call;

class GlobTest {

    private static Value delimiters(String json) {
        return json.equals("null") ? NullValue.INSTANCE : Json.parse(json);
    }

    private static void assertError(Runnable r, BuiltinException.Kind kind, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(BuiltinException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '~', quoteCharacter = '\'', value = {
        "*.github.com ~ [] ~ api.github.com ~ true",
        "*.github.com ~ [] ~ api.cdn.github.com ~ false",
        "*hub.com ~ null ~ api.cdn.github.com ~ true",
        "*:github:com ~ [\":\"] ~ api:github:com ~ true",
        "api.**.com ~ [] ~ api.github.com ~ true",
        "api.**.com ~ [] ~ api.cdn.github.com ~ true",
        "?at ~ [] ~ cat ~ true",
        "?at ~ [] ~ at ~ false",
        "[abc]at ~ [] ~ bat ~ true",
        "[!abc]at ~ [] ~ bat ~ false",
        "[a-c]at ~ [] ~ cat ~ true",
        "[!a-c]at ~ [] ~ bat ~ false",
        "{cat,bat,[fr]at} ~ [] ~ rat ~ true",
        "{cat,bat,[fr]at} ~ [] ~ at ~ false",
        "? ~ null ~ '' ~ false",
        "[!0-9] ~ null ~ '' ~ false",
        "a/*/b ~ null ~ a/b ~ false",
        "a/*/b ~ null ~ a/x/b ~ true",
        "a/**/b ~ null ~ a/b ~ false",
        "a/**/b ~ null ~ a//b ~ true",
        "**/x ~ null ~ x ~ false",
        "{**/,}x ~ null ~ x ~ true",
        "*** ~ [\".\"] ~ '' ~ true",
        "*?* ~ [\".\", \"/\"] ~ api.github.com ~ false",
        "*?* ~ [\".\", \"/\"] ~ abc ~ true",
        "* ~ [\".\", \"/\"] ~ a/b ~ false",
        "\\* ~ null ~ * ~ true",
        "\\* ~ null ~ a ~ false",
        "[.] ~ [] ~ . ~ true",
        "a{b,c{d,e}}f ~ null ~ acef ~ true",
        "a{b,c ~ null ~ ac ~ true",
        "{a\\,b,c} ~ null ~ 'a,b' ~ true",
        "x,y} ~ null ~ 'x,y}' ~ true",
        "*😀? ~ [] ~ a😀é ~ true",
        "ab\\ ~ null ~ ab ~ true",
    })
    void matches(String pattern, String delims, String subject, boolean expected) {
        assertThat(call("glob.match", StringValue.of(pattern), delimiters(delims), StringValue.of(subject)))
                .isEqualTo(Json.parse(String.valueOf(expected)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '~', value = {
        "[abc ~ unexpected end of input",
        "[a-c ~ unexpected end of input",
        "[a-cd] ~ expected close range character",
        "[] ~ could not parse range",
        "[!] ~ could not parse range",
        "[z-a] ~ hi character 'a' should be greater than lo 'z'",
    })
    void patternErrors(String pattern, String message) {
        assertError(() -> call("glob.match", StringValue.of(pattern), NullValue.INSTANCE, StringValue.of("x")),
                BuiltinException.Kind.BUILTIN, "glob.match: " + message);
    }

    @Test
    void operandErrors() {
        assertError(() -> call("glob.match", StringValue.of("*"), Json.parse("[1]"), StringValue.of("x")),
                BuiltinException.Kind.TYPE, "glob.match: operand 2 must be array of strings but got array containing number");
        assertError(() -> call("glob.match", StringValue.of("*"), Json.parse("[\"ab\"]"), StringValue.of("x")),
                BuiltinException.Kind.TYPE, "glob.match: operand 2 must be array of runes but got array containing string");
        assertError(() -> call("glob.match", StringValue.of("*"), StringValue.of("."), StringValue.of("x")),
                BuiltinException.Kind.TYPE, "glob.match: operand 2 must be one of {array, null} but got string");
        assertError(() -> call("glob.match", StringValue.of("*"), NullValue.INSTANCE, Json.parse("1")),
                BuiltinException.Kind.TYPE, "glob.match: operand 3 must be string but got number");
    }

    @Test
    void longInputsMatchInLinearTime() {
        String subject = "a".repeat(20_000);
        assertThat(call("glob.match", StringValue.of("*a*a*a*a*a*a*a*b"), NullValue.INSTANCE, StringValue.of(subject)))
                .isEqualTo(Json.parse("false"));
    }

    @Test
    void quoteMeta() {
        assertThat(call("glob.quote_meta", StringValue.of("*.github.com"))).isEqualTo(StringValue.of("\\*.github.com"));
        assertThat(call("glob.quote_meta", StringValue.of("a?[b]{c,d}\\"))).isEqualTo(StringValue.of("a\\?\\[b\\]\\{c,d\\}\\\\"));
        String quoted = ((StringValue) call("glob.quote_meta", StringValue.of("{*}?"))).value();
        assertThat(call("glob.match", StringValue.of(quoted), NullValue.INSTANCE, StringValue.of("{*}?")))
                .isEqualTo(Json.parse("true"));
    }
}

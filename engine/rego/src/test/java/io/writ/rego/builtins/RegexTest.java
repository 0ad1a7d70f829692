package io.writ.rego.builtins;

import io.writ.rego.value.Json;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static io.writ.rego.builtins.BuiltinCalls.call;

class RegexTest {

    private static Value s(String v) {
        return StringValue.of(v);
    }

    private static Value j(String json) {
        return Json.parse(json);
    }

    private static boolean matches(String pattern, String text) {
        return call("regex.match", s(pattern), s(text)).equals(j("true"));
    }

    private static void assertError(Runnable r, BuiltinException.Kind kind, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(BuiltinException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    void matchConformanceCases() {
        assertThat(matches("^[a-z]+\\[[0-9]+\\]$", "foo[1]")).isTrue();
        assertThat(matches("^$", "")).isTrue();
        assertThat(matches("", "")).isTrue();
        assertThat(matches("", "x")).isTrue();
        assertThat(matches("^$", "something")).isFalse();
        assertError(() -> call("regex.match", s("$^[[["), s("something")), BuiltinException.Kind.BUILTIN,
                "regex.match: error parsing regexp: missing closing ]: `[[[`");
        assertThat(call("re_match", s("^a+$"), s("aaa"))).isEqualTo(j("true"));
        assertError(() -> call("regex.match", s("a"), j("1")), BuiltinException.Kind.TYPE,
                "regex.match: operand 2 must be string but got number");
    }

    /** Go's syntax and semantics where Java's differ. */
    @ParameterizedTest
    @CsvSource(delimiter = '~', quoteCharacter = '\'', value = {
        "a$ ~ 'a\n' ~ false",          // Go's $ is end of text only
        "(?m)a$ ~ 'a\nb' ~ true",
        "(?m)^b ~ 'a\nb' ~ true",
        "^b ~ 'a\nb' ~ false",
        "\\s ~ '\u000b' ~ false",     // no vertical tab in Go's \s
        "[[:space:]] ~ '\u000b' ~ true",
        "\\w ~ 'é' ~ false",
        "\\pL ~ 'é' ~ true",
        "\\p{Greek} ~ 'λ' ~ true",
        "\\P{Greek} ~ 'λ' ~ false",
        "(?i)k ~ '\u212a' ~ true",     // Kelvin sign folds to k
        "(?i)straße ~ 'STRASSE' ~ false",
        "x{,2} ~ 'x{,2}' ~ true",      // not a repetition in Go: literal braces
        "[a&&b] ~ '&' ~ true",         // no class intersection in Go
        "[[a] ~ '[' ~ true",
        "(?P<first_name>\\w+) ~ 'bob' ~ true",
        "(?<year>\\d{4}) ~ '2024' ~ true",
        "\\Qa.b\\E ~ 'axb' ~ false",
        "\\x{1F600} ~ '😀' ~ true",
        "^.$ ~ '😀' ~ true",
        "\\101 ~ 'A' ~ true",
        "(?s).b ~ '\nb' ~ true",
        ".b ~ '\nb' ~ false",
        "\\bé ~ 'aé' ~ true",          // \b is ASCII-only
        "a\\B ~ 'a' ~ false",
        "(?U)a+ ~ 'aaa' ~ true",
    })
    void goSemantics(String pattern, String text, boolean expected) {
        assertThat(matches(pattern, text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '~', quoteCharacter = '\'', value = {
        "a( ~ missing closing ): `a(`",
        "a) ~ unexpected ): `a)`",
        "* ~ missing argument to repetition operator: `*`",
        "a** ~ invalid nested repetition operator: `**`",
        "a{1001} ~ invalid repeat count: `{1001}`",
        "(a{500}){3} ~ invalid repeat count: `{3}`",
        "a{2,1} ~ invalid repeat count: `{2,1}`",
        "\\1 ~ invalid escape sequence: `\\1`",
        "\\q ~ invalid escape sequence: `\\q`",
        "\\ ~ trailing backslash at end of expression: ``",
        "[z-a] ~ invalid character class range: `z-a`",
        "[[:foo:]] ~ invalid character class range: `[:foo:]`",
        "\\p{Foo} ~ invalid character class range: `\\p{Foo}`",
        "(?=a) ~ invalid or unsupported Perl syntax: `(?=`",
        "(?P<>a) ~ invalid named capture: `(?P<>`",
        "(?P<a-b>x) ~ invalid named capture: `(?P<a-b>`",
        "[a ~ missing closing ]: `[a`",
        "x\\C ~ invalid escape sequence: `\\C`",
    })
    void goSyntaxErrors(String pattern, String message) {
        assertError(() -> call("regex.match", s(pattern), s("")), BuiltinException.Kind.BUILTIN,
                "regex.match: error parsing regexp: " + message);
        assertThat(call("regex.is_valid", s(pattern))).isEqualTo(j("false"));
    }

    @Test
    void isValid() {
        assertThat(call("regex.is_valid", s("^[a-z]+$"))).isEqualTo(j("true"));
        assertThat(call("regex.is_valid", s("[a-"))).isEqualTo(j("false"));
        assertThat(call("regex.is_valid", j("1"))).isEqualTo(j("false"));
    }

    @Test
    void split() {
        assertThat(call("regex.split", s("a"), s("banana"))).isEqualTo(j("[\"b\", \"n\", \"n\", \"\"]"));
        assertThat(call("regex.split", s("x*"), s("axbxc"))).isEqualTo(j("[\"a\", \"b\", \"c\"]"));
        assertThat(call("regex.split", s(","), s(""))).isEqualTo(j("[\"\"]"));
        assertThat(call("regex.split", s(""), s("ab"))).isEqualTo(j("[\"a\", \"b\"]"));
        assertThat(call("regex.split", s(""), s(""))).isEqualTo(j("[]"));
    }

    @Test
    void findN() {
        assertThat(call("regex.find_n", s("a."), s("paranormal"), NumberValue.of(-1))).isEqualTo(j("[\"ar\", \"an\", \"al\"]"));
        assertThat(call("regex.find_n", s("a."), s("paranormal"), NumberValue.of(2))).isEqualTo(j("[\"ar\", \"an\"]"));
        assertThat(call("regex.find_n", s("a."), s("paranormal"), NumberValue.of(0))).isEqualTo(j("[]"));
        // an empty match right after a match is skipped, as in Go
        assertThat(call("regex.find_n", s("a*"), s("baaac"), NumberValue.of(-1))).isEqualTo(j("[\"\", \"aaa\", \"\"]"));
        assertThat(call("regex.find_n", s(""), s("😀x"), NumberValue.of(-1))).isEqualTo(j("[\"\", \"\", \"\"]"));
        assertError(() -> call("regex.find_n", s("a"), s("a"), j("1.5")), BuiltinException.Kind.TYPE,
                "regex.find_n: operand 3 must be integer number but got floating-point number");
    }

    @Test
    void findAllStringSubmatch() {
        assertThat(call("regex.find_all_string_submatch_n", s("a(x*)b(y|z)?"), s("-axxb-ab-"), NumberValue.of(-1)))
                .isEqualTo(j("[[\"axxb\", \"xx\", \"\"], [\"ab\", \"\", \"\"]]"));
        assertThat(call("regex.find_all_string_submatch_n", s("(?P<k>\\w+)=(\\d)"), s("a=1 b=2"), NumberValue.of(1)))
                .isEqualTo(j("[[\"a=1\", \"a\", \"1\"]]"));
        assertError(() -> call("regex.find_all_string_submatch_n", s("("), s(""), NumberValue.of(1)),
                BuiltinException.Kind.BUILTIN,
                "regex.find_all_string_submatch_n: error parsing regexp: missing closing ): `(`");
    }

    @Test
    void replace() {
        assertThat(call("regex.replace", s("-wy-wxxy-"), s("w(x*)y"), s("0"))).isEqualTo(s("-0-0-"));
        assertThat(call("regex.replace", s("foo"), s("(foo)"), s("$1$1"))).isEqualTo(s("foofoo"));
        assertThat(call("regex.replace", s("ab"), s("(?P<x>a)(?P<my_y>b)"), s("${my_y}${x}$$"))).isEqualTo(s("ba$"));
        assertThat(call("regex.replace", s("ab"), s("(a)"), s("$1x|${1}x"))).isEqualTo(s("|axb"));
        assertThat(call("regex.replace", s("abc"), s("x*"), s("-"))).isEqualTo(s("-a-b-c-"));
        assertThat(call("regex.replace", s("aaa"), s("^a"), s("b"))).isEqualTo(s("baa"));
        assertThat(call("regex.replace", s("a.b"), s("\\."), s("$"))).isEqualTo(s("a$b"));
        assertError(() -> call("regex.replace", s("foo"), s("["), s("$1")), BuiltinException.Kind.BUILTIN,
                "regex.replace: error parsing regexp: missing closing ]: `[`");
    }

    @Test
    void templateMatch() {
        assertThat(call("regex.template_match", s("urn:foo:{.*}"), s("urn:foo:bar:baz"), s("{"), s("}"))).isEqualTo(j("true"));
        assertThat(call("regex.template_match", s("urn:foo.bar:{[0-9]{2}}"), s("urn:foo.bar:42"), s("{"), s("}")))
                .isEqualTo(j("true"));
        assertThat(call("regex.template_match", s("urn:foo.bar:<[0-9]{2}>"), s("urn:fooXbar:42"), s("<"), s(">")))
                .isEqualTo(j("false"));
        assertError(() -> call("regex.template_match", s("urn:{.*"), s("x"), s("{"), s("}")), BuiltinException.Kind.BUILTIN,
                "regex.template_match: unbalanced braces in \"urn:{.*\"");
        assertError(() -> call("regex.template_match", s("x"), s("x"), s("{{"), s("}")), BuiltinException.Kind.BUILTIN,
                "regex.template_match: start delimiter has to be exactly one character long but is 2 long");
        assertError(() -> call("regex.template_match", s("x"), s("x"), s("{"), s("é")), BuiltinException.Kind.BUILTIN,
                "regex.template_match: end delimiter has to be exactly one character long but is 1 long");
        assertError(() -> call("regex.template_match", s("a{[}"), s("x"), s("{"), s("}")), BuiltinException.Kind.BUILTIN,
                "regex.template_match: error parsing regexp: missing closing ]: `[$`");
    }

    @Test
    void globsMatch() {
        assertThat(call("regex.globs_match", s("a.a.[0-9]+z"), s(".b.b2359825792*594823z"))).isEqualTo(j("true"));
        assertThat(call("regex.globs_match", s("[a-z]+"), s("[0-9]*"))).isEqualTo(j("false"));
        assertThat(call("regex.globs_match", s("b.*"), s("bar"))).isEqualTo(j("true"));
        assertThat(call("regex.globs_match", s("b.*"), s("baz"))).isEqualTo(j("true"));
        assertThat(call("regex.globs_match", s("abcd"), s("[a-d]*"))).isEqualTo(j("true"));
        assertThat(call("regex.globs_match", s(".*mamama"), s(".*dadada"))).isEqualTo(j("false"));
        assertThat(call("regex.globs_match", s("a*"), s("b*"))).isEqualTo(j("false")); // only "" in common
        assertThat(call("regex.globs_match", s(""), s(""))).isEqualTo(j("true"));
        assertThat(call("regex.globs_match", s("[0-9]*"), s("\\*"))).isEqualTo(j("false"));
        assertThat(call("regex.globs_match", s(".*\\\\"), s(".*"))).isEqualTo(j("true"));
        assertThat(call("regex.globs_match", s("[a-z]+\\[[0-9]+\\]"), s("foo[\"bar\"]"))).isEqualTo(j("false"));
        assertError(() -> call("regex.globs_match", s("a"), s("a[bc")), BuiltinException.Kind.BUILTIN,
                "regex.globs_match: input:a[bc, pos:4, found [ without matching ]: the input provided is invalid");
        assertError(() -> call("regex.globs_match", s("*a"), s("a")), BuiltinException.Kind.BUILTIN,
                "regex.globs_match: input:*a, pos:1, flag '*' must be preceded by a non-flag: the input provided is invalid");
        assertError(() -> call("regex.globs_match", s("a]"), s("a")), BuiltinException.Kind.BUILTIN,
                "regex.globs_match: input:a], pos:2, set-close ']' with no preceding '[': the input provided is invalid");
    }
}

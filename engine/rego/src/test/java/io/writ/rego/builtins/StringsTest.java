package io.writ.rego.builtins;

import io.writ.rego.value.Json;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static io.writ.rego.builtins.BuiltinCalls.call;

class StringsTest {

    private static Value s(String v) {
        return StringValue.of(v);
    }

    private static Value n(long v) {
        return NumberValue.of(v);
    }

    private static Value j(String json) {
        return Json.parse(json);
    }

    private static void assertError(Runnable r, BuiltinException.Kind kind, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(BuiltinException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private static String str(Value v) {
        return ((StringValue) v).value();
    }

    @Test
    void concat() {
        assertThat(str(call("concat", s("/"), j("[\"\", \"foo\", \"bar\", \"0\", \"baz\"]")))).isEqualTo("/foo/bar/0/baz");
        assertThat(str(call("concat", s(", "), j("[]")))).isEmpty();
        assertThat(call("concat", s("-"), io.writ.rego.value.SetValue.of(s("b"), s("a")))).isEqualTo(s("a-b"));
        assertError(() -> call("concat", s("/"), j("[\"a\", 1]")), BuiltinException.Kind.TYPE,
                "concat: operand 2 must be array of strings but got array containing number");
        assertError(() -> call("concat", s("/"), s("ab")), BuiltinException.Kind.TYPE,
                "concat: operand 2 must be one of {set, array} but got string");
        assertError(() -> call("concat", n(1), j("[]")), BuiltinException.Kind.TYPE,
                "concat: operand 1 must be string but got number");
    }

    @Test
    void containsStartsEnds() {
        assertThat(call("contains", s("abcdefgh"), s("defg"))).isEqualTo(j("true"));
        assertThat(call("contains", s("abc"), s("x"))).isEqualTo(j("false"));
        assertThat(call("startswith", s("abcdefgh"), s("abcd"))).isEqualTo(j("true"));
        assertThat(call("startswith", s("abc"), s("bc"))).isEqualTo(j("false"));
        assertThat(call("endswith", s("abcdefgh"), s("fgh"))).isEqualTo(j("true"));
        assertThat(call("endswith", s("abc"), s("ab"))).isEqualTo(j("false"));
        assertError(() -> call("endswith", s("a"), n(1)), BuiltinException.Kind.TYPE,
                "endswith: operand 2 must be string but got number");
    }

    @Test
    void formatInt() {
        assertThat(call("format_int", j("15.5"), n(16))).isEqualTo(s("f"));
        assertThat(call("format_int", n(10), n(2))).isEqualTo(s("1010"));
        assertThat(call("format_int", n(-8), n(8))).isEqualTo(s("-10"));
        assertThat(call("format_int", j("-15.9"), n(10))).isEqualTo(s("-15")); // truncated toward zero
        assertThat(call("format_int", j("123456789012345678901234567890"), n(16)))
                .isEqualTo(s("18ee90ff6c373e0ee4e3f0ad2"));
        assertThat(call("format_int", j("4.1"), n(10))).isEqualTo(s("4"));
        assertError(() -> call("format_int", n(1), n(3)), BuiltinException.Kind.TYPE,
                "format_int: operand 2 must be one of {2, 8, 10, 16}");
        assertError(() -> call("format_int", s("1"), n(10)), BuiltinException.Kind.TYPE,
                "format_int: operand 1 must be number but got string");
    }

    @Test
    void indexOfCountsRunes() {
        assertThat(call("indexof", s("μx"), s("x"))).isEqualTo(n(1));
        assertThat(call("indexof", s("μ"), s("μμ"))).isEqualTo(n(-1));
        assertThat(call("indexof", s("skön var våren"), s("vår"))).isEqualTo(n(9));
        assertThat(call("indexof", s("🍧🍨🧁🍰🍮"), s("🍮"))).isEqualTo(n(4));
        assertThat(call("indexof", s("🍧🍨🧁🍰🍮"), s("🍧🍨🧁🍰🍮"))).isEqualTo(n(0));
        assertError(() -> call("indexof", s("abc"), s("")), BuiltinException.Kind.BUILTIN, "indexof: empty search character");
        assertThat(call("indexof_n", s("aaa"), s("aa"))).isEqualTo(j("[0, 1]"));
        assertThat(call("indexof_n", s("😀a😀a"), s("a"))).isEqualTo(j("[1, 3]"));
        assertThat(call("indexof_n", s("abc"), s("x"))).isEqualTo(j("[]"));
        assertError(() -> call("indexof_n", s("abc"), s("")), BuiltinException.Kind.BUILTIN, "indexof_n: empty search character");
    }

    @Test
    void lowerUpperUseSimpleRuneMapping() {
        assertThat(call("lower", s("AbCdEf"))).isEqualTo(s("abcdef"));
        assertThat(call("upper", s("AbCdEf"))).isEqualTo(s("ABCDEF"));
        assertThat(call("upper", s("straße"))).isEqualTo(s("STRAßE")); // Go keeps ß
        assertThat(call("lower", s("İ"))).isEqualTo(s("i"));
    }

    @Test
    void replace() {
        assertThat(call("replace", s("foo.bar.baz"), s("."), s(","))).isEqualTo(s("foo,bar,baz"));
        assertThat(call("replace", s("foo...bar"), s(".."), s(",,"))).isEqualTo(s("foo,,.bar"));
        assertThat(call("replace", s("ab"), s(""), s("-"))).isEqualTo(s("-a-b-"));
        assertThat(call("strings.replace_n", j("{\"a\": \"1\", \"ab\": \"2\", \"b\": \"3\"}"), s("abcab")))
                .isEqualTo(s("13c13"));
        assertThat(call("strings.replace_n", j("{\"ab\": \"X\", \"b\": \"Y\"}"), s("abb"))).isEqualTo(s("XY"));
        assertThat(call("strings.replace_n", j("{\"\": \"-\", \"a\": \"A\"}"), s("ab"))).isEqualTo(s("-A-b-"));
        assertError(() -> call("strings.replace_n", j("{\"a\": 1}"), s("a")), BuiltinException.Kind.TYPE,
                "strings.replace_n: operand 1 non-string value found in pattern object");
        assertError(() -> call("strings.replace_n", j("[]"), s("a")), BuiltinException.Kind.TYPE,
                "strings.replace_n: operand 1 must be object but got array");
    }

    @Test
    void split() {
        assertThat(call("split", s("foo"), s("."))).isEqualTo(j("[\"foo\"]"));
        assertThat(call("split", s("foo.bar.baz"), s("."))).isEqualTo(j("[\"foo\", \"bar\", \"baz\"]"));
        assertThat(call("split", s("a,b,"), s(","))).isEqualTo(j("[\"a\", \"b\", \"\"]"));
        assertThat(call("split", s("aé😀"), s(""))).isEqualTo(j("[\"a\", \"é\", \"😀\"]"));
        assertThat(call("split", s(""), s(","))).isEqualTo(j("[\"\"]"));
    }

    @Test
    void substring() {
        assertThat(call("substring", s("abcdefgh"), n(2), n(-1))).isEqualTo(s("cdefgh"));
        assertThat(call("substring", s("aåäö"), n(2), n(-1))).isEqualTo(s("äö"));
        assertThat(call("substring", s("abcdefgh"), n(2), n(10000))).isEqualTo(s("cdefgh"));
        assertThat(call("substring", s("abcdefghåäö"), n(2), n(10000))).isEqualTo(s("cdefghåäö"));
        assertThat(call("substring", s("a😀bc"), n(1), n(2))).isEqualTo(s("😀b"));
        assertThat(call("substring", s("abc"), n(5), n(1))).isEqualTo(s(""));
        assertThat(call("substring", s("abc"), n(0), j("9223372036854775807"))).isEqualTo(s("abc"));
        assertError(() -> call("substring", s("abc"), n(-1), n(1)), BuiltinException.Kind.BUILTIN, "substring: negative offset");
        assertError(() -> call("substring", s("abc"), j("1.5"), n(1)), BuiltinException.Kind.TYPE,
                "substring: operand 2 must be integer number but got floating-point number");
    }

    @Test
    void trims() {
        assertThat(call("trim", s("...foo.bar"), s("."))).isEqualTo(s("foo.bar"));
        assertThat(call("trim", s("...foo.bar..."), s("."))).isEqualTo(s("foo.bar"));
        assertThat(call("trim", s("xyfooyx"), s("xy"))).isEqualTo(s("foo"));
        assertThat(call("trim_left", s("..a.."), s("."))).isEqualTo(s("a.."));
        assertThat(call("trim_right", s("..a.."), s("."))).isEqualTo(s("..a"));
        assertThat(call("trim_right", s("a😀😀"), s("😀"))).isEqualTo(s("a"));
        assertThat(call("trim_prefix", s("foo.bar"), s("foo."))).isEqualTo(s("bar"));
        assertThat(call("trim_prefix", s("foo.bar"), s("x"))).isEqualTo(s("foo.bar"));
        assertThat(call("trim_suffix", s("foo.bar"), s(".bar"))).isEqualTo(s("foo"));
        assertThat(call("trim_space", s(" \t\n\u00a0\u3000 x y \u2003\r"))).isEqualTo(s("x y"));
        assertThat(call("trim_space", s("\u200bx"))).isEqualTo(s("\u200bx")); // zero width space is not white space
    }

    @Test
    void reverseAndCount() {
        assertThat(call("strings.reverse", s("aé😀"))).isEqualTo(s("😀éa"));
        assertThat(call("strings.count", s("cheese"), s("e"))).isEqualTo(n(3));
        assertThat(call("strings.count", s("hello hello hello world"), s("hello"))).isEqualTo(n(3));
        assertThat(call("strings.count", s("dummy"), s("x"))).isEqualTo(n(0));
        assertThat(call("strings.count", s("dummy"), s(""))).isEqualTo(n(6));
        assertThat(call("strings.count", s("日本"), s(""))).isEqualTo(n(3));
        assertThat(call("strings.count", s(""), s(""))).isEqualTo(n(1));
        assertThat(call("strings.count", s("11111"), s("11"))).isEqualTo(n(2));
        assertThat(call("strings.count", s("11111"), s("11111"))).isEqualTo(n(1));
    }

    @Test
    void anyPrefixAndSuffixMatch() {
        Value strs = j("[\"a/b/c\", \"a/b/d\", \"e/f/g\"]");
        assertThat(call("strings.any_prefix_match", strs, j("[\"a/\", \"d/\"]"))).isEqualTo(j("true"));
        assertThat(call("strings.any_prefix_match", strs, j("[\"f/\", \"d/\"]"))).isEqualTo(j("false"));
        assertThat(call("strings.any_prefix_match", strs, s("e/f/g"))).isEqualTo(j("true"));
        assertThat(call("strings.any_prefix_match", s("a/b/c"), j("[]"))).isEqualTo(j("false"));
        assertThat(call("strings.any_prefix_match", j("[\"\"]"), j("[\"\"]"))).isEqualTo(j("true"));
        assertThat(call("strings.any_suffix_match", strs, j("[\"/c\", \"/a\"]"))).isEqualTo(j("true"));
        assertThat(call("strings.any_suffix_match", strs, s("/h"))).isEqualTo(j("false"));
        assertThat(call("strings.any_suffix_match", io.writ.rego.value.SetValue.of(s("xa")), s("a"))).isEqualTo(j("true"));
        assertError(() -> call("strings.any_prefix_match", j("[1, 2]"), j("[\"f/\"]")), BuiltinException.Kind.TYPE,
                "strings.any_prefix_match: operand 1 must be array of strings but got array containing number");
        assertError(() -> call("strings.any_prefix_match", n(1), j("[\"f/\"]")), BuiltinException.Kind.TYPE,
                "strings.any_prefix_match: operand 1 must be one of {string, set, array} but got number");
        assertError(() -> call("strings.any_suffix_match", j("[\"a\"]"), j("[1]")), BuiltinException.Kind.TYPE,
                "strings.any_suffix_match: operand 2 must be array of strings but got array containing number");
        assertError(() -> call("strings.any_suffix_match", j("[\"a\"]"), n(1)), BuiltinException.Kind.TYPE,
                "strings.any_suffix_match: operand 2 must be one of {string, set, array} but got number");
        assertError(() -> call("strings.any_suffix_match", io.writ.rego.value.SetValue.of(n(1)), s("a")),
                BuiltinException.Kind.TYPE,
                "strings.any_suffix_match: operand 1 must be set of strings but got set containing number");
    }

    private static String sprintf(String format, String jsonArgs) {
        return str(call("sprintf", s(format), j(jsonArgs)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '~', quoteCharacter = '\'', value = {
        "hi %s ~ [\"there\"] ~ hi there",
        "hi %02X.%02X ~ [127, 1] ~ hi 7F.01",
        "hi %s ~ [true] ~ hi true",
        "hi %v ~ [[\"there\", 5, 3.14]] ~ hi [\"there\", 5, 3.14]",
        "%v ~ [{\"a\": 1}] ~ {\"a\": 1}",
        "%v ~ [{}] ~ {}",
        "%v / %s ~ [null, false] ~ null / false",
        "%s ~ [123456789123456789123] ~ 123456789123456789123",
        "%s ~ [1208925819614629174706175] ~ 1208925819614629174706175",
        "%x ~ [1208925819614629174706175] ~ ffffffffffffffffffff",
        "%d ~ [-42] ~ -42",
        "%5d|%-5d|%05d ~ [1, 2, -3] ~ '    1|2    |-0003'",
        "%+d % d ~ [5, 5] ~ +5  5",
        "%b %o %O %#x ~ [5, 8, 8, 255] ~ 101 10 0o10 0xff",
        "%c%c %U %q ~ [72, 228, 9731, 65] ~ Hä U+2603 'A'",
        "%f ~ [3.14159] ~ 3.141590",
        "%.2f ~ [2.675] ~ 2.67",
        "%.0f %.0f ~ [0.5, 1.5] ~ 0 2",
        "%8.3f| ~ [-3.14159] ~ '  -3.142|'",
        "%e %E ~ [123456.789, 0.000123] ~ 1.234568e+05 1.230000E-04",
        "%g %g %g ~ [0.000012345, 123456.5, 1234567.5] ~ 1.2345e-05 123456.5 1.2345675e+06",
        "%v %v ~ [3.14, 0.1] ~ 3.14 0.1",
        "%.3g %.10g ~ [3.14159, 0.1] ~ 3.14 0.1",
        "%t ~ [true] ~ %!t(string=true)",
        "%d ~ [\"x\"] ~ %!d(string=x)",
        "%s ~ [1] ~ %!s(int=1)",
        "%d ~ [1.5] ~ %!d(float64=1.5)",
        "%q %x %X ~ [\"a\\\"b\", \"hi\", \"hi\"] ~ \"a\\\"b\" 6869 6869",
        "%.2s|%5s|%-5s| ~ [\"héllo\", \"ab\", \"ab\"] ~ 'hé|   ab|ab   |'",
        "%d %d ~ [1] ~ 1 %!d(MISSING)",
        "%d ~ [1, \"a\"] ~ 1%!(EXTRA string=a)",
        "100%% ~ [] ~ 100%",
        "% ~ [] ~ %!(NOVERB)",
        "%[2]d %[1]d ~ [1, 2] ~ 2 1",
        "%[3]d ~ [1, 2] ~ %!d(BADINDEX)",
        "%*d| ~ [5, 42] ~ '   42|'",
        "%T %T %T %T ~ [1, 1.5, \"s\", [1]] ~ int float64 string string",
        "%v ~ [[\"a\", {\"b\": [1, 2]}]] ~ [\"a\", {\"b\": [1, 2]}]",
    })
    void sprintfFollowsGo(String format, String args, String expected) {
        assertThat(sprintf(format, args)).isEqualTo(expected);
    }

    @Test
    void sprintfOfSetsAndErrors() {
        assertThat(str(call("sprintf", s("%v"), io.writ.rego.value.ArrayValue.of(io.writ.rego.value.SetValue.EMPTY))))
                .isEqualTo("set()");
        assertThat(str(call("sprintf", s("%v"), io.writ.rego.value.ArrayValue.of(io.writ.rego.value.SetValue.of(n(2), n(1))))))
                .isEqualTo("{1, 2}");
        assertThat(sprintf("%d", "[12345678901234567890123]")).isEqualTo("12345678901234567890123");
        assertError(() -> call("sprintf", s("%s"), s("x")), BuiltinException.Kind.TYPE,
                "sprintf: operand 2 must be array but got string");
        assertError(() -> call("sprintf", n(1), j("[]")), BuiltinException.Kind.TYPE,
                "sprintf: operand 1 must be string but got number");
    }

    private static String render(String template, String vars) {
        return str(call("strings.render_template", s(template), j(vars)));
    }

    @Test
    void renderTemplate() {
        assertThat(render("{{.test}}", "{\"test\": \"hello world\"}")).isEqualTo("hello world");
        assertThat(render("{{.test}}", "{\"test\": 2023}")).isEqualTo("2023");
        assertThat(render("{{range $i, $name := .hellonames}}{{if $i}},{{end}}hello {{$name}}{{end}}",
                "{\"hellonames\": [\"rohan\", \"john doe\"]}")).isEqualTo("hello rohan,hello john doe");
        assertThat(render("{{.testvarnotprovided}}", "{\"test\": \"x\"}")).isEqualTo("<undefined>");
        assertThat(render("test {{.foo}} {{.bar}} {{.baz}}", "{\"baz\": 1}")).isEqualTo("test <undefined> <undefined> 1");
        assertThat(render("{{.a.b}} {{.l}} {{.m}} {{.n}} {{.t}}",
                "{\"a\": {\"b\": 1.5}, \"l\": [\"x\", 1, null], \"m\": {\"k\": true}, \"n\": null, \"t\": false}"))
                .isEqualTo("1.5 [x 1 <nil>] map[k:true] <no value> false");
        assertThat(render("{{if .ok}}yes{{else if .other}}other{{else}}no{{end}}", "{\"ok\": false, \"other\": \"x\"}"))
                .isEqualTo("other");
        assertThat(render("{{with .user}}{{.name}}{{else}}anon{{end}}", "{\"user\": {\"name\": \"ann\"}}")).isEqualTo("ann");
        assertThat(render("{{range .xs}}[{{.}}]{{else}}none{{end}}", "{\"xs\": []}")).isEqualTo("none");
        assertThat(render("{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}", "{\"m\": {\"b\": 2, \"a\": 1}}")).isEqualTo("a=1;b=2;");
        assertThat(render("  {{- .x -}}  !", "{\"x\": \"X\"}")).isEqualTo("X!");
        assertThat(render("{{/* note */}}{{$v := .x}}{{$v}}{{$v = \"y\"}}{{$v}}", "{\"x\": \"x\"}")).isEqualTo("xy");
        assertThat(render("{{len .xs}} {{index .xs 1}} {{index .m \"k\"}} {{not .f}}",
                "{\"xs\": [\"a\", \"b\"], \"m\": {\"k\": \"v\"}, \"f\": false}")).isEqualTo("2 b v true");
        assertThat(render("{{if and .a (eq .s \"x\")}}both{{end}} {{or .z \"dflt\"}}", "{\"a\": true, \"s\": \"x\", \"z\": \"\"}"))
                .isEqualTo("both dflt");
        assertThat(render("{{printf \"%s-%d\" .s 7}} {{.s | printf \"%q\"}} {{print 1 2 \"a\"}}", "{\"s\": \"v\"}"))
                .isEqualTo("v-7 \"v\" 1 2a");
    }

    @Test
    void renderTemplateErrors() {
        assertError(() -> render("{{.x.y}}", "{\"x\": \"str\"}"), BuiltinException.Kind.BUILTIN,
                "strings.render_template: template: template:1:2: executing \"template\" at <.x.y>: "
                        + "can't evaluate field y in type string");
        assertThatThrownBy(() -> render("{{if .x}}", "{}")).isInstanceOf(BuiltinException.class)
                .hasMessageStartingWith("strings.render_template: template: template:1:");
        assertThatThrownBy(() -> render("{{nosuchfunc .x}}", "{}")).isInstanceOf(BuiltinException.class)
                .hasMessageContaining("function \"nosuchfunc\" not defined");
        assertThatThrownBy(() -> render("{{.x", "{}")).isInstanceOf(BuiltinException.class)
                .hasMessageContaining("unclosed action");
        assertError(() -> call("strings.render_template", s("x"), j("[]")), BuiltinException.Kind.TYPE,
                "strings.render_template: operand 2 must be object but got array");
    }

    @Test
    void typeErrorsNameTheOperand() {
        assertError(() -> call("trim", s("a"), NullValue.INSTANCE), BuiltinException.Kind.TYPE,
                "trim: operand 2 must be string but got null");
        assertError(() -> call("strings.reverse", n(1)), BuiltinException.Kind.TYPE,
                "strings.reverse: operand 1 must be string but got number");
        assertError(() -> call("strings.count", s("a"), j("[]")), BuiltinException.Kind.TYPE,
                "strings.count: operand 2 must be string but got array");
    }
}

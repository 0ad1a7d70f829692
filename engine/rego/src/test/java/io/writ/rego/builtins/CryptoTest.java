package io.writ.rego.builtins;

import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static io.writ.rego.builtins.BuiltinCalls.call;

class CryptoTest {

    private static StringValue s(String v) {
        return StringValue.of(v);
    }

    @ParameterizedTest
    @CsvSource({
        "crypto.md5,    hello, 5d41402abc4b2a76b9719d911017c592",
        "crypto.sha1,   hello, aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
        "crypto.sha256, hello, 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        "crypto.md5,    é,     66ddcd97cfdeabb2f6fb8a999b4bc76f",
        "crypto.sha256, '',    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    })
    void digests(String fn, String input, String hex) {
        assertThat(call(fn, s(input))).isEqualTo(s(hex));
    }

    @ParameterizedTest
    @CsvSource({
        "crypto.hmac.md5,    hello, key, 04130747afca4d79e32e87cf2104f087",
        "crypto.hmac.md5,    hello, '',  2a566e7a1b0190f15c0e7f523012cdc9",
        "crypto.hmac.sha1,   hello, key, b34ceac4516ff23a143e61d79d0fa7a4fbe5f266",
        "crypto.hmac.sha256, hello, key, 9307b3b915efb5171ff14d8cb55fbcc798c6c0ef1456d66ded1a6aa723a58b7b",
        "crypto.hmac.sha512, hello, key, ff06ab36757777815c008d32c8e14a705b4e7bf310351a06a23b612dc4c7433e7757d20525a5593b71020ea2ee162d2311b247e9855862b270122419652c0c92",
    })
    void hmacs(String fn, String message, String key, String hex) {
        assertThat(call(fn, s(message), s(key))).isEqualTo(s(hex));
    }

    @Test
    void hmacEqual() {
        assertThat(call("crypto.hmac.equal", s("abc"), s("abc"))).isEqualTo(BooleanValue.of(true));
        assertThat(call("crypto.hmac.equal", s("abc"), s("abd"))).isEqualTo(BooleanValue.of(false));
        assertThat(call("crypto.hmac.equal", s("abc"), s("abcd"))).isEqualTo(BooleanValue.of(false));
    }

    @Test
    void operandsMustBeStrings() {
        assertThatThrownBy(() -> call("crypto.sha256", NumberValue.of(1)))
                .isInstanceOfSatisfying(BuiltinException.class, e -> {
                    assertThat(e.kind()).isEqualTo(BuiltinException.Kind.TYPE);
                    assertThat(e.getMessage()).isEqualTo("crypto.sha256: operand 1 must be string but got number");
                });
        assertThatThrownBy(() -> call("crypto.hmac.sha1", s("x"), SetValue.EMPTY))
                .isInstanceOfSatisfying(BuiltinException.class, e ->
                        assertThat(e.getMessage()).isEqualTo("crypto.hmac.sha1: operand 2 must be string but got set"));
        assertThatThrownBy(() -> call("crypto.hmac.equal", NumberValue.of(1), s("x")))
                .isInstanceOfSatisfying(BuiltinException.class, e ->
                        assertThat(e.getMessage()).isEqualTo("crypto.hmac.equal: operand 1 must be string but got number"));
    }
}

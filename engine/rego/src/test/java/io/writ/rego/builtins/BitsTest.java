package io.writ.rego.builtins;

import io.writ.rego.value.NumberValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

import static io.writ.rego.builtins.BuiltinCalls.call;
import static io.writ.rego.builtins.BuiltinCalls.fails;

class BitsTest {

    private static Value num(String text) {
        return NumberValue.parse(text);
    }

    @ParameterizedTest
    @CsvSource({
            "bits.and, 50, 0, 0",
            "bits.and, 42, 3, 2",
            "bits.and, -1, 255, 255",
            "bits.or, 42, 3, 43",
            "bits.or, -8, 3, -5",
            "bits.xor, 42, 3, 41",
            "bits.xor, -1, 5, -6",
            "bits.lsh, 1, 3, 8",
            "bits.lsh, 2147483647, 1, 4294967294",
            "bits.lsh, -3, 2, -12",
            "bits.rsh, 8, 3, 1",
            "bits.rsh, -5, 1, -3",
            "bits.rsh, 5, 10, 0",
    })
    void binaryOperations(String name, String a, String b, String expected) {
        assertThat(call(name, num(a), num(b))).isEqualTo(num(expected));
    }

    @Test
    void negateIsTwosComplement() {
        assertThat(call("bits.negate", num("5"))).isEqualTo(num("-6"));
        assertThat(call("bits.negate", num("-1"))).isEqualTo(num("0"));
    }

    @Test
    void integersBeyondSixtyFourBits() {
        assertThat(call("bits.lsh", num("1"), num("100"))).isEqualTo(num("1267650600228229401496703205376"));
        assertThat(call("bits.rsh", num("1267650600228229401496703205376"), num("99"))).isEqualTo(num("2"));
        assertThat(call("bits.or", num("18446744073709551616"), num("1"))).isEqualTo(num("18446744073709551617"));
    }

    @Test
    void operandsAreRoundedToSixtyFourBitsOfPrecisionLikeOpa() {
        // 2^70 + 1 needs 71 bits; OPA's conversion through big.Float drops the 1.
        assertThat(call("bits.and", num("1180591620717411303425"), num("1"))).isEqualTo(num("0"));
        // A fraction below that precision disappears too, making the operand an integer.
        assertThat(call("bits.or", num("4.00000000000000000000001"), num("1"))).isEqualTo(num("5"));
    }

    @Test
    void shiftCountUsesOnlyItsLowSixtyFourBits() {
        // 2^64 + 4 (exactly representable with 64 significant bits) shifts by 4.
        assertThat(call("bits.lsh", num("1"), num("18446744073709551620"))).isEqualTo(num("16"));
        assertThat(call("bits.rsh", num("-7"), num("4294967296"))).isEqualTo(num("-1"));
        assertThat(call("bits.rsh", num("7"), num("4294967296"))).isEqualTo(num("0"));
        assertThat(call("bits.lsh", num("0"), num("4294967296"))).isEqualTo(num("0"));
        fails(BuiltinException.Kind.BUILTIN, "bits.lsh: shift count too large", "bits.lsh", num("1"), num("4294967296"));
    }

    @Test
    void floatsAreRejected() {
        for (String name : new String[] {"bits.and", "bits.or", "bits.xor", "bits.lsh", "bits.rsh"}) {
            fails(BuiltinException.Kind.TYPE, name + ": operand 1 must be integer number but got floating-point number",
                    name, num("7.2"), num("42"));
            fails(BuiltinException.Kind.TYPE, name + ": operand 2 must be integer number but got floating-point number",
                    name, num("7"), num("4.2"));
        }
        fails(BuiltinException.Kind.TYPE, "bits.negate: operand 1 must be integer number but got floating-point number",
                "bits.negate", num("0.5"));
    }

    @Test
    void nonNumbersAreRejected() {
        fails(BuiltinException.Kind.TYPE, "bits.and: operand 1 must be integer but got string",
                "bits.and", StringValue.of("1"), num("1"));
        fails(BuiltinException.Kind.TYPE, "bits.xor: operand 2 must be integer but got string",
                "bits.xor", num("1"), StringValue.of("1"));
    }

    @Test
    void negativeShiftIsRejected() {
        fails(BuiltinException.Kind.TYPE, "bits.lsh: operand 2 must be an unsigned integer number but got a negative integer",
                "bits.lsh", num("1"), num("-1"));
        fails(BuiltinException.Kind.TYPE, "bits.rsh: operand 2 must be an unsigned integer number but got a negative integer",
                "bits.rsh", num("1"), num("-1"));
    }

    @ParameterizedTest
    @CsvSource({
            "0, 0",
            "1.5, 1.5",
            "-0.1, -0.1000000000000000000013552527156068805425093160010874271392822265625",
            "1.00000000000000000001, 1",
            "18446744073709551615, 18446744073709551615",
            "18446744073709551617, 18446744073709551616",
            "36893488147419103233, 36893488147419103232",
            "36893488147419103235, 36893488147419103236",
    })
    void roundToGoFloatKeepsSixtyFourSignificantBitsTiesToEven(String in, String expected) {
        assertThat(Bits.roundToGoFloat(new BigDecimal(in))).isEqualByComparingTo(new BigDecimal(expected));
    }
}

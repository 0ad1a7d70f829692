package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.StringValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;

import static io.writ.rego.builtins.BuiltinCalls.builtinError;
import static io.writ.rego.builtins.BuiltinCalls.call;
import static io.writ.rego.builtins.BuiltinCalls.json;
import static io.writ.rego.builtins.BuiltinCalls.num;
import static io.writ.rego.builtins.BuiltinCalls.set;
import static io.writ.rego.builtins.BuiltinCalls.typeError;
import static org.assertj.core.api.Assertions.assertThat;

class NumbersTest {

    @ParameterizedTest(name = "{0}({1}, {2}) = {3}")
    @CsvSource({
            // exact integers, across the long boundary
            "plus, 2, 3, 5",
            "plus, 2147483647, 1, 2147483648",
            "plus, 9223372036854775807, 1, 9223372036854775808",
            "plus, 18446744073709551617, 1, 18446744073709551618",
            "plus, 123456789012345678901234567890, 1, 123456789012345678901234567891",
            "plus, 1e30, 1, 1000000000000000000000000000001",
            "plus, 10.00, 5, 15",
            "minus, -2147483648, 1, -2147483649",
            "minus, 18446744073709551617, 1, 18446744073709551616",
            "minus, -18446744073709551617, 1, -18446744073709551618",
            "minus, -9223372036854775808, 1, -9223372036854775809",
            "mul, 2147483647, 2147483647, 4611686014132420609",
            "mul, -2147483648, -2147483648, 4611686018427387904",
            "mul, 18446744073709551617, 2, 36893488147419103234",
            "mul, 9223372036854775807, 9223372036854775807, 85070591730234615847396907784232501249",
            // non-integers go through OPA's 64-bit binary float
            "plus, 1.5, 2.5, 4",
            "plus, 1, 2.5, 3.5",
            "plus, 0.1, 0.2, 0.3",
            "minus, 0.3, 0.1, 0.20000000000000000002",
            "mul, 2.5, 2, 5",
            "mul, 0.1, 3, 0.3",
            // division: exact when it comes out even, else the float quotient
            "div, 6, 3, 2",
            "div, -6, 3, -2",
            "div, 0, 5, 0",
            "div, 1, 4, 0.25",
            "div, 1, 1024, 0.0009765625",
            "div, 1, 3, 0.33333333333333333334",
            "div, 2, 3, 0.6666666666666666667",
            "div, 22, 7, 3.1428571428571428572",
            "div, 36893488147419103234, 2, 18446744073709551617",
            "div, 123456789012345678901234, 7, 17636684144620811271000",
            // remainder: sign of the dividend
            "rem, 10, 3, 1",
            "rem, -17, 5, -2",
            "rem, 17, -5, 2",
            "rem, 4.0, 3, 1",
            "rem, 10, 18446744073709551616, 10",
            "rem, 5, 55340232221128654848, 5",
            "rem, 100, -18446744073709551616, 100",
            "rem, 18446744073709551617, 18446744073709551616, 1",
            "rem, -9223372036854775808, -1, 0",
    })
    void binary(String fn, String x, String y, String want) {
        assertThat(call(fn, num(x), num(y))).isEqualTo(num(want));
    }

    @ParameterizedTest(name = "{0}({1}) = {2}")
    @CsvSource({
            "abs, -5, 5",
            "abs, 7, 7",
            "abs, -2147483648, 2147483648",
            "abs, -9223372036854775808, 9223372036854775808",
            "abs, -2.5, 2.5",
            "abs, -18446744073709551617, 18446744073709551617",
            "round, 2.5, 3",
            "round, -2.5, -3",
            "round, 2.4, 2",
            "round, -5, -5",
            "round, 10.00, 10",
            "round, 0.49999999999999999999, 1", // rounds to 0.5 in 64 bits first, as in OPA
            "ceil, 1.01, 2",
            "ceil, -1.5, -1",
            "ceil, 4, 4",
            "floor, 1.01, 1",
            "floor, 1.5, 1",
            "floor, 99.99999, 99",
            "floor, 1, 1",
            "floor, -1.001, -2",
            // OPA decides by the sign of the truncated value, which is +0 between -1 and 0
            "ceil, -0.5, 1",
            "floor, -0.5, 0",
    })
    void unary(String fn, String x, String want) {
        assertThat(call(fn, num(x))).isEqualTo(num(want));
    }

    @Test
    void divisionAndRemainderErrors() {
        builtinError("div: divide by zero", "div", num("1"), num("0"));
        builtinError("div: divide by zero", "div", num("1"), num("0.0"));
        builtinError("div: divide by zero", "div", num("0"), num("0"));
        builtinError("rem: modulo by zero", "rem", num("5"), num("0"));
        builtinError("rem: modulo on floating-point number", "rem", num("1.1"), num("1"));
        builtinError("rem: modulo on floating-point number", "rem", num("1.5"), num("0"));
    }

    @Test
    void operandTypeErrors() {
        typeError("plus: operand 1 must be number but got string", "plus", StringValue.of("1"), num("1"));
        typeError("mul: operand 2 must be number but got null", "mul", num("1"), json("null"));
        typeError("div: operand 2 must be number but got array", "div", num("1"), json("[]"));
        typeError("rem: operand 1 must be number but got boolean", "rem", json("true"), num("1"));
        typeError("abs: operand 1 must be number but got string", "abs", StringValue.of("x"));
        typeError("round: operand 1 must be number but got object", "round", json("{}"));
        typeError("ceil: operand 1 must be number but got null", "ceil", json("null"));
        typeError("floor: operand 1 must be number but got array", "floor", json("[1]"));
    }

    @Test
    void minusIsAlsoSetDifference() {
        assertThat(call("minus", set(num("1"), num("2"), StringValue.of("c")), set(StringValue.of("c"), num("1"))))
                .isEqualTo(set(num("2")));
        assertThat(call("minus", set(num("1")), set(num("1")))).isEqualTo(set());
    }

    @Test
    void minusMixingNumbersAndSetsReadsLikeOpa() {
        typeError("minus: operand 2 must be set but got number", "minus", set(num("1")), num("1"));
        typeError("minus: operand 2 must be number but got set", "minus", num("1"), set(num("1")));
        typeError("minus: operand 1 must be one of {number, set} but got string", "minus",
                StringValue.of("a"), num("1"));
        // OPA asks for a number here even though the first operand is a set
        typeError("minus: operand 2 must be number but got string", "minus", set(), StringValue.of("a"));
    }

    @Test
    void ranges() {
        assertThat(call("numbers.range", num("0"), num("0"))).isEqualTo(json("[0]"));
        assertThat(call("numbers.range", num("0"), num("3"))).isEqualTo(json("[0, 1, 2, 3]"));
        assertThat(call("numbers.range", num("2"), num("-3"))).isEqualTo(json("[2, 1, 0, -1, -2, -3]"));
        assertThat(call("numbers.range", num("18446744073709551616"), num("18446744073709551617")))
                .isEqualTo(ArrayValue.of(num("18446744073709551616"), num("18446744073709551617")));
        assertThat(call("numbers.range_step", num("0"), num("10"), num("2"))).isEqualTo(json("[0, 2, 4, 6, 8, 10]"));
        assertThat(call("numbers.range_step", num("0"), num("-10"), num("2")))
                .isEqualTo(json("[0, -2, -4, -6, -8, -10]"));
        assertThat(call("numbers.range_step", num("10"), num("3"), num("2"))).isEqualTo(json("[10, 8, 6, 4]"));
        assertThat(call("numbers.range_step", num("2"), num("5"), num("2"))).isEqualTo(json("[2, 4]"));
        assertThat(call("numbers.range_step", num("2"), num("2"), num("2"))).isEqualTo(json("[2]"));
        assertThat(call("numbers.range_step", num("0"), num("10"), num("99999999999999999999")))
                .isEqualTo(json("[0]"));
    }

    @Test
    void rangeErrors() {
        builtinError("numbers.range_step: numbers.range_step: step must be a positive integer",
                "numbers.range_step", num("0"), num("10"), num("-2"));
        builtinError("numbers.range_step: numbers.range_step: step must be a positive integer",
                "numbers.range_step", num("0"), num("10"), num("0"));
        typeError("numbers.range: operand 1 must be integer but got string", "numbers.range",
                StringValue.of("1"), num("2"));
        typeError("numbers.range: operand 2 must be integer number but got floating-point number", "numbers.range",
                num("1"), num("2.5"));
        typeError("numbers.range_step: operand 3 must be integer number but got floating-point number",
                "numbers.range_step", num("1"), num("2"), num("0.5"));
        builtinError("numbers.range: range too large", "numbers.range",
                num("0"), num("1e12"));
    }

    @Test
    void shortestDigitsRoundTripLikeGo() {
        // At 53 bits the Go algorithm must give a decimal that reads back as the same double, with as
        // few significant digits as Java's shortest repr (normal doubles; Go's big.Float has no subnormals).
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(d) || Double.isInfinite(d) || Math.abs(d) < Double.MIN_NORMAL) {
                continue;
            }
            BigDecimal got = toNumberAt53(d).bigDecimal();
            assertThat(Double.parseDouble(got.toString())).as("round trip of %s", d).isEqualTo(d);
            assertThat(got.stripTrailingZeros().precision()).as("digits of %s", d)
                    .isEqualTo(new BigDecimal(Double.toString(d)).stripTrailingZeros().precision());
        }
    }

    @Test
    void shortestDigitsFollowMathBigNotStrconv() {
        // math/big compares the bounds digit by digit without realigning them and so rounds this one
        // down to ...160, where strconv (and Java) print the nearer ...170
        assertThat(toNumberAt53(3.1282940724991917E17)).isEqualTo(num("312829407249919160"));
    }

    private static NumberValue toNumberAt53(double d) {
        BigDecimal exact = new BigDecimal(d);
        BigInteger num = exact.unscaledValue();
        BigInteger den = BigInteger.ONE;
        if (exact.scale() > 0) {
            den = BigInteger.TEN.pow(exact.scale());
        } else {
            num = num.multiply(BigInteger.TEN.pow(-exact.scale()));
        }
        return Numbers.GoFloat.rational(num, den, Numbers.GoFloat.FLOAT64_PREC).toNumber();
    }
}

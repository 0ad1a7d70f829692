package io.writ.rego.builtins;

import io.writ.rego.value.NumberValue;
import io.writ.rego.value.Value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * Built-ins: bitwise operations on integers of any size ({@code bits.and}, {@code bits.or},
 * {@code bits.xor}, {@code bits.negate}, {@code bits.lsh}, {@code bits.rsh}), with two's-complement
 * semantics for negative numbers, as Go's {@code big.Int} has.
 *
 * <p>OPA turns each operand into an integer through a Go {@code big.Float} of 64-bit precision, so
 * integers wider than 64 significant bits lose their low bits and fractions too small for that
 * precision vanish; {@link #roundToGoFloat} reproduces that rounding (Time and Units use it too).
 */
final class Bits {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private Bits() {
    }

    static void register(Registry.Builder r) {
        binary(r, "bits.and", BigInteger::and);
        binary(r, "bits.or", BigInteger::or);
        binary(r, "bits.xor", BigInteger::xor);
        unary(r, "bits.negate", BigInteger::not);
        r.fn("bits.lsh", 2, (ctx, args) -> shift("bits.lsh", args, true));
        r.fn("bits.rsh", 2, (ctx, args) -> shift("bits.rsh", args, false));
    }

    private static void binary(Registry.Builder r, String name, BinaryOperator<BigInteger> op) {
        r.fn(name, 2, (ctx, args) -> NumberValue.of(op.apply(integer(name, args, 0), integer(name, args, 1))));
    }

    private static void unary(Registry.Builder r, String name, UnaryOperator<BigInteger> op) {
        r.fn(name, 1, (ctx, args) -> NumberValue.of(op.apply(integer(name, args, 0))));
    }

    private static Value shift(String fn, Value[] args, boolean left) {
        BigInteger x = integer(fn, args, 0);
        BigInteger n = integer(fn, args, 1);
        if (n.signum() < 0) {
            throw BuiltinException.type(fn + ": operand 2 must be an unsigned integer number but got a negative integer");
        }
        // Go takes the shift count as a uint64: only its low 64 bits count.
        n = n.mod(TWO_64);
        if (n.bitLength() > 31) {
            if (!left || x.signum() == 0) {
                return NumberValue.of(!left && x.signum() < 0 ? -1 : 0);
            }
            throw BuiltinException.error(fn + ": shift count too large");
        }
        try {
            return NumberValue.of(left ? x.shiftLeft(n.intValue()) : x.shiftRight(n.intValue()));
        } catch (ArithmeticException e) {
            throw BuiltinException.error(fn + ": shift count too large");
        }
    }

    /** OPA's integer operand: any number that is an integer once rounded like a Go big.Float. */
    private static BigInteger integer(String fn, Value[] args, int i) {
        if (!(args[i] instanceof NumberValue n)) {
            throw Args.typeError(fn, i, args[i], "integer");
        }
        if (n.isLong()) {
            return BigInteger.valueOf(n.longValue());
        }
        BigDecimal rounded = roundToGoFloat(n.bigDecimal());
        if (rounded.signum() != 0 && rounded.stripTrailingZeros().scale() > 0) {
            throw BuiltinException.type(fn + ": operand " + (i + 1) + " must be integer number but got floating-point number");
        }
        return rounded.toBigInteger();
    }

    /**
     * Rounds {@code x} to the nearest number with a 64-bit binary mantissa, ties to even: what Go's
     * {@code big.Float} holds at its default precision. The result is exact (a BigDecimal can hold
     * any binary fraction).
     */
    static BigDecimal roundToGoFloat(BigDecimal x) {
        if (x.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigInteger num = x.unscaledValue().abs();
        BigInteger den = BigInteger.ONE;
        if (x.scale() < 0) {
            num = num.multiply(BigInteger.TEN.pow(-x.scale()));
        } else {
            den = BigInteger.TEN.pow(x.scale());
        }
        if (den.equals(BigInteger.ONE) && num.bitLength() <= 64) {
            return new BigDecimal(num).multiply(BigDecimal.valueOf(x.signum()));
        }
        // Scale num/den by 2^shift so that the quotient has 65 or 66 bits: 64 kept, the rest for rounding.
        int shift = 65 - (num.bitLength() - den.bitLength());
        BigInteger[] qr = shift >= 0
                ? num.shiftLeft(shift).divideAndRemainder(den)
                : num.divideAndRemainder(den.shiftLeft(-shift));
        BigInteger q = qr[0];
        int drop = q.bitLength() - 64;
        BigInteger kept = q.shiftRight(drop);
        boolean half = q.testBit(drop - 1);
        boolean sticky = qr[1].signum() != 0 || q.getLowestSetBit() < drop - 1;
        if (half && (sticky || kept.testBit(0))) {
            kept = kept.add(BigInteger.ONE);
        }
        int exp = drop - shift; // value = kept * 2^exp
        BigDecimal magnitude = exp >= 0
                ? new BigDecimal(kept.shiftLeft(exp))
                : new BigDecimal(kept.multiply(BigInteger.valueOf(5).pow(-exp)), -exp);
        return x.signum() < 0 ? magnitude.negate() : magnitude;
    }
}

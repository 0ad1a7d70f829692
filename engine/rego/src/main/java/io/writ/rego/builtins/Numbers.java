package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.Value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Arithmetic built-ins: {@code plus}, {@code minus} (also set difference), {@code mul}, {@code div},
 * {@code rem}, {@code abs}, {@code round}, {@code ceil}, {@code floor}, {@code numbers.range} and
 * {@code numbers.range_step}.
 *
 * <p>Integer arithmetic is exact. Anything involving a non-integer (and a division that does not come
 * out even) follows OPA's Go implementation, which computes with a binary {@code big.Float}: see
 * {@link GoFloat}. That is why {@code 1 / 3} is {@code 0.33333333333333333334}, as in OPA, and not a
 * double's {@code 0.3333333333333333}.
 */
final class Numbers {
    private static final BigInteger MAX_RANGE = BigInteger.valueOf(Integer.MAX_VALUE - 8);

    private Numbers() {
    }

    static void register(Registry.Builder r) {
        r.fn("plus", 2, (ctx, a) -> add(Args.number("plus", a, 0), Args.number("plus", a, 1)));
        r.fn("minus", 2, (ctx, a) -> minus(a));
        r.fn("mul", 2, (ctx, a) -> multiply(Args.number("mul", a, 0), Args.number("mul", a, 1)));
        r.fn("div", 2, (ctx, a) -> divide(Args.number("div", a, 0), Args.number("div", a, 1)));
        r.fn("rem", 2, (ctx, a) -> remainder(Args.number("rem", a, 0), Args.number("rem", a, 1)));
        r.fn("abs", 1, (ctx, a) -> abs(Args.number("abs", a, 0)));
        r.fn("round", 1, (ctx, a) -> round(Args.number("round", a, 0)));
        r.fn("ceil", 1, (ctx, a) -> ceil(Args.number("ceil", a, 0)));
        r.fn("floor", 1, (ctx, a) -> floor(Args.number("floor", a, 0)));
        r.fn("numbers.range", 2, (ctx, a) -> range("numbers.range", rangeBound("numbers.range", a, 0),
                rangeBound("numbers.range", a, 1), BigInteger.ONE));
        r.fn("numbers.range_step", 3, (ctx, a) -> rangeStep(a));
    }

    private static NumberValue add(NumberValue x, NumberValue y) {
        if (x.isLong() && y.isLong()) {
            long a = x.longValue();
            long b = y.longValue();
            long s = a + b;
            if (((a ^ s) & (b ^ s)) >= 0) { // no overflow
                return NumberValue.of(s);
            }
        }
        if (x.isInteger() && y.isInteger()) {
            return NumberValue.of(x.bigInteger().add(y.bigInteger()));
        }
        return GoFloat.of(x).add(GoFloat.of(y)).toNumber();
    }

    private static NumberValue subtract(NumberValue x, NumberValue y) {
        if (x.isLong() && y.isLong()) {
            long a = x.longValue();
            long b = y.longValue();
            long d = a - b;
            if (((a ^ b) & (a ^ d)) >= 0) { // no overflow
                return NumberValue.of(d);
            }
        }
        if (x.isInteger() && y.isInteger()) {
            return NumberValue.of(x.bigInteger().subtract(y.bigInteger()));
        }
        return GoFloat.of(x).add(GoFloat.of(y).negate()).toNumber();
    }

    private static NumberValue multiply(NumberValue x, NumberValue y) {
        if (x.isLong() && y.isLong()) {
            long a = x.longValue();
            long b = y.longValue();
            long hi = Math.multiplyHigh(a, b);
            long lo = a * b;
            if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) { // fits a long
                return NumberValue.of(lo);
            }
        }
        if (x.isInteger() && y.isInteger()) {
            return NumberValue.of(x.bigInteger().multiply(y.bigInteger()));
        }
        return GoFloat.of(x).multiply(GoFloat.of(y), GoFloat.DEFAULT_PREC).toNumber();
    }

    /** Exact when both are integers and the division comes out even; otherwise OPA's float quotient. */
    private static NumberValue divide(NumberValue x, NumberValue y) {
        if (y.signum() == 0) {
            throw BuiltinException.error("div: divide by zero");
        }
        if (x.isLong() && y.isLong() && x.longValue() % y.longValue() == 0 && !(x.longValue() == Long.MIN_VALUE
                && y.longValue() == -1)) {
            return NumberValue.of(x.longValue() / y.longValue());
        }
        if (x.isInteger() && y.isInteger()) {
            BigInteger[] qr = x.bigInteger().divideAndRemainder(y.bigInteger());
            if (qr[1].signum() == 0) {
                return NumberValue.of(qr[0]);
            }
        }
        return GoFloat.of(x).divide(GoFloat.of(y)).toNumber();
    }

    /** Integers only; the result takes the sign of the dividend, like Go's {@code %}. */
    private static NumberValue remainder(NumberValue x, NumberValue y) {
        if (!x.isInteger() || !y.isInteger()) {
            throw BuiltinException.error("rem: modulo on floating-point number");
        }
        if (y.signum() == 0) {
            throw BuiltinException.error("rem: modulo by zero");
        }
        if (x.isLong() && y.isLong()) {
            return NumberValue.of(x.longValue() % y.longValue()); // MIN_VALUE % -1 is 0, no overflow
        }
        return NumberValue.of(x.bigInteger().remainder(y.bigInteger()));
    }

    /** {@code minus} is also set difference; OPA's operand errors are reproduced case by case. */
    private static Value minus(Value[] a) {
        if (a[0] instanceof NumberValue x && a[1] instanceof NumberValue y) {
            return subtract(x, y);
        }
        if (a[0] instanceof SetValue s1 && a[1] instanceof SetValue s2) {
            List<Value> diff = new ArrayList<>(s1.size());
            for (Value v : s1.elements()) {
                if (!s2.contains(v)) {
                    diff.add(v);
                }
            }
            return SetValue.of(diff);
        }
        if (!(a[0] instanceof NumberValue) && !(a[0] instanceof SetValue)) {
            throw Args.typeError("minus", 0, a[0], "number", "set");
        }
        // OPA's check: a number as the second operand means the first was a set, else it asks for a number.
        throw Args.typeError("minus", 1, a[1], a[1] instanceof NumberValue ? "set" : "number");
    }

    private static NumberValue abs(NumberValue x) {
        if (x.isLong() && x.longValue() != Long.MIN_VALUE) {
            return NumberValue.of(Math.abs(x.longValue()));
        }
        if (x.isInteger()) {
            return NumberValue.of(x.bigInteger().abs());
        }
        return GoFloat.of(x).abs().toNumber();
    }

    /** Half away from zero: OPA adds or subtracts one half in binary and truncates. */
    private static NumberValue round(NumberValue x) {
        if (x.isInteger()) {
            return x;
        }
        GoFloat f = GoFloat.of(x);
        GoFloat half = f.signum() < 0 ? GoFloat.MINUS_HALF : GoFloat.HALF;
        return NumberValue.of(f.add(half).truncate());
    }

    /**
     * OPA decides with the sign of the truncated value, which is zero (not negative) for inputs
     * between -1 and 0: so {@code ceil(-0.5)} is 1 in OPA, and this reproduces it.
     */
    private static NumberValue ceil(NumberValue x) {
        if (x.isInteger()) {
            return x;
        }
        GoFloat f = GoFloat.of(x);
        BigInteger i = f.truncate();
        if (i.signum() < 0 || f.isInteger()) {
            return NumberValue.of(i);
        }
        return NumberValue.of(i.add(BigInteger.ONE));
    }

    /** Like {@link #ceil}: OPA's {@code floor(-0.5)} is 0, and this reproduces it. */
    private static NumberValue floor(NumberValue x) {
        if (x.isInteger()) {
            return x;
        }
        GoFloat f = GoFloat.of(x);
        BigInteger i = f.truncate();
        if (i.signum() >= 0 || f.isInteger()) {
            return NumberValue.of(i);
        }
        return NumberValue.of(i.subtract(BigInteger.ONE));
    }

    private static Value rangeStep(Value[] a) {
        String fn = "numbers.range_step";
        BigInteger from = rangeBound(fn, a, 0);
        BigInteger to = rangeBound(fn, a, 1);
        BigInteger step = rangeBound(fn, a, 2);
        if (step.signum() <= 0) {
            // OPA's own message, to which its error wrapper adds the built-in's name a second time.
            throw BuiltinException.error(fn + ": " + fn + ": step must be a positive integer");
        }
        return range(fn, from, to, step);
    }

    /** An integer operand of any size; OPA names a non-number "integer" here, unlike elsewhere. */
    private static BigInteger rangeBound(String fn, Value[] a, int i) {
        if (!(a[i] instanceof NumberValue n)) {
            throw Args.typeError(fn, i, a[i], "integer");
        }
        if (!n.isInteger()) {
            throw BuiltinException.type(fn + ": operand " + (i + 1)
                    + " must be integer number but got floating-point number");
        }
        return n.bigInteger();
    }

    /** Inclusive range, descending when {@code from > to}. */
    private static ArrayValue range(String fn, BigInteger from, BigInteger to, BigInteger step) {
        boolean up = from.compareTo(to) <= 0;
        BigInteger span = up ? to.subtract(from) : from.subtract(to);
        BigInteger count = span.divide(step).add(BigInteger.ONE);
        if (count.compareTo(MAX_RANGE) > 0) {
            // OPA would run until cancelled or out of memory; a Java array cannot even hold it
            throw BuiltinException.error(fn + ": range too large");
        }
        Value[] out = new Value[count.intValueExact()];
        BigInteger delta = up ? step : step.negate();
        BigInteger v = from;
        for (int i = 0; i < out.length; i++) {
            out[i] = NumberValue.of(v);
            v = v.add(delta);
        }
        return ArrayValue.wrap(out);
    }

    /**
     * A binary floating-point number as Go's {@code math/big.Float} holds it, for the arithmetic OPA
     * does through {@code big.Float}: a signed mantissa of at most {@code prec} bits and a binary
     * exponent, the value being {@code mant * 2^exp}. OPA parses each operand into a 64-bit mantissa
     * ({@code SetString}'s default), rounds every result to nearest even at the result's precision,
     * and prints it back as the shortest decimal that parses to the same binary value at that
     * precision ({@code Text('g', -1)}). This class does the same, so results agree digit for digit.
     */
    static final class GoFloat {
        static final int DEFAULT_PREC = 64;
        /** The precision of {@code big.NewFloat(x)}, which OPA uses for {@code product}'s accumulator. */
        static final int FLOAT64_PREC = 53;
        static final GoFloat HALF = new GoFloat(BigInteger.ONE, -1, FLOAT64_PREC);
        static final GoFloat MINUS_HALF = HALF.negate();
        static final GoFloat ONE = new GoFloat(BigInteger.ONE, 0, FLOAT64_PREC);

        private final BigInteger mant;
        private final int exp;
        private final int prec;

        private GoFloat(BigInteger mant, int exp, int prec) {
            this.mant = mant;
            this.exp = exp;
            this.prec = prec;
        }

        /** The number as {@code big.Float.SetString} reads it: rounded to a 64-bit mantissa. */
        static GoFloat of(NumberValue n) {
            BigDecimal d = n.bigDecimal();
            BigInteger num = d.unscaledValue();
            BigInteger den = BigInteger.ONE;
            if (d.scale() > 0) {
                den = BigInteger.TEN.pow(d.scale());
            } else if (d.scale() < 0) {
                num = num.multiply(BigInteger.TEN.pow(-d.scale()));
            }
            return rational(num, den, DEFAULT_PREC);
        }

        /** {@code num / den} rounded to nearest even with {@code prec} mantissa bits; {@code den > 0}. */
        static GoFloat rational(BigInteger num, BigInteger den, int prec) {
            if (num.signum() == 0) {
                return new GoFloat(BigInteger.ZERO, 0, prec);
            }
            boolean neg = num.signum() < 0;
            BigInteger n = num.abs();
            // choose e so that the quotient n / (den * 2^e) has exactly prec bits
            int e = n.bitLength() - den.bitLength() - prec;
            BigInteger[] qr;
            BigInteger d;
            while (true) {
                BigInteger n2 = e >= 0 ? n : n.shiftLeft(-e);
                d = e >= 0 ? den.shiftLeft(e) : den;
                qr = n2.divideAndRemainder(d);
                int bits = qr[0].bitLength();
                if (bits == prec) {
                    break;
                }
                e += bits > prec ? 1 : -1;
            }
            BigInteger q = qr[0];
            int half = qr[1].shiftLeft(1).compareTo(d);
            if (half > 0 || (half == 0 && q.testBit(0))) {
                q = q.add(BigInteger.ONE);
                if (q.bitLength() > prec) { // carried into a new bit: 2^prec
                    q = q.shiftRight(1);
                    e++;
                }
            }
            return new GoFloat(neg ? q.negate() : q, e, prec);
        }

        /** {@code mant * 2^exp} as a fraction, rounded to {@code prec} bits. */
        private static GoFloat scaled(BigInteger m, int e, int prec) {
            return e >= 0 ? rational(m.shiftLeft(e), BigInteger.ONE, prec)
                    : rational(m, BigInteger.ONE.shiftLeft(-e), prec);
        }

        int signum() {
            return mant.signum();
        }

        GoFloat negate() {
            return new GoFloat(mant.negate(), exp, prec);
        }

        GoFloat abs() {
            return mant.signum() < 0 ? negate() : this;
        }

        /** Sum at the larger of the two precisions, as {@code new(big.Float).Add(x, y)}. */
        GoFloat add(GoFloat o) {
            return add(o, Math.max(prec, o.prec));
        }

        /** Sum rounded to {@code p} bits. */
        GoFloat add(GoFloat o, int p) {
            int e = Math.min(exp, o.exp);
            BigInteger sum = mant.shiftLeft(exp - e).add(o.mant.shiftLeft(o.exp - e));
            return scaled(sum, e, p);
        }

        /** Product rounded to {@code p} bits. */
        GoFloat multiply(GoFloat o, int p) {
            return scaled(mant.multiply(o.mant), exp + o.exp, p);
        }

        /** Quotient at the larger of the two precisions; the divisor is not zero. */
        GoFloat divide(GoFloat o) {
            int p = Math.max(prec, o.prec);
            BigInteger num = mant;
            BigInteger den = o.mant;
            int e = exp - o.exp;
            if (den.signum() < 0) {
                num = num.negate();
                den = den.negate();
            }
            return e >= 0 ? rational(num.shiftLeft(e), den, p) : rational(num, den.shiftLeft(-e), p);
        }

        /** The integer part, truncated toward zero ({@code big.Float.Int}). */
        BigInteger truncate() {
            if (exp >= 0) {
                return mant.shiftLeft(exp);
            }
            BigInteger t = mant.abs().shiftRight(-exp);
            return mant.signum() < 0 ? t.negate() : t;
        }

        boolean isInteger() {
            return mant.signum() == 0 || exp >= 0 || mant.getLowestSetBit() >= -exp;
        }

        /**
         * The shortest decimal that identifies this value at its precision, as Go's
         * {@code Text('g', -1)} / {@code Text('f', -1)} produce it (both choose the same digits).
         */
        NumberValue toNumber() {
            if (mant.signum() == 0) {
                return NumberValue.ZERO;
            }
            BigInteger m = mant.abs();
            Decimal d = Decimal.of(m, exp);
            // m scaled to prec+1 bits, so that its lowest bit is half a unit in the last place
            int s = m.bitLength() - (prec + 1);
            BigInteger m2 = s < 0 ? m.shiftLeft(-s) : m.shiftRight(s);
            int e2 = exp + s;
            Decimal lower = Decimal.of(m2.subtract(BigInteger.ONE), e2);
            Decimal upper = Decimal.of(m2.add(BigInteger.ONE), e2);
            // the bounds round back to this value only if its mantissa is even (round half to even)
            boolean inclusive = !m2.testBit(1);
            d.roundShortest(lower, upper, inclusive);
            BigDecimal v = d.toBigDecimal();
            return NumberValue.of(mant.signum() < 0 ? v.negate() : v);
        }
    }

    /**
     * A decimal {@code 0.d1d2d3... * 10^exp} with the digits as characters, mirroring the helper type
     * Go's {@code math/big} formats with, so that the shortest-digits search below matches it step by
     * step (including its digit-by-index comparison of the bounds).
     */
    private static final class Decimal {
        private char[] digits; // no trailing zeros; empty for zero
        private int exp;

        private Decimal(char[] digits, int exp) {
            this.digits = digits;
            this.exp = exp;
        }

        /** The exact decimal of {@code m * 2^shift}, {@code m >= 0}. */
        static Decimal of(BigInteger m, int shift) {
            if (m.signum() == 0) {
                return new Decimal(new char[0], 0);
            }
            String s;
            int exp;
            if (shift >= 0) {
                s = m.shiftLeft(shift).toString();
                exp = s.length();
            } else {
                // m / 2^k == m * 5^k / 10^k
                s = m.multiply(BigInteger.valueOf(5).pow(-shift)).toString();
                exp = s.length() + shift;
            }
            int n = s.length();
            while (n > 0 && s.charAt(n - 1) == '0') {
                n--;
            }
            return new Decimal(Arrays.copyOf(s.toCharArray(), n), exp);
        }

        private char at(int i) {
            return i >= 0 && i < digits.length ? digits[i] : '0';
        }

        /** Go's {@code roundShortest}: the fewest digits that stay within [lower, upper]. */
        void roundShortest(Decimal lower, Decimal upper, boolean inclusive) {
            for (int i = 0; i < digits.length; i++) {
                char m = digits[i];
                char l = lower.at(i);
                char u = upper.at(i);
                boolean okDown = l != m || (inclusive && i + 1 == lower.digits.length);
                boolean okUp = m != u && (inclusive || m + 1 < u || i + 1 < upper.digits.length);
                if (okDown && okUp) {
                    round(i + 1);
                    return;
                }
                if (okDown) {
                    roundDown(i + 1);
                    return;
                }
                if (okUp) {
                    roundUp(i + 1);
                    return;
                }
            }
        }

        private void round(int n) {
            if (n < 0 || n >= digits.length) {
                return;
            }
            boolean up = digits[n] == '5' && n + 1 == digits.length
                    ? n > 0 && (digits[n - 1] - '0') % 2 != 0
                    : digits[n] >= '5';
            if (up) {
                roundUp(n);
            } else {
                roundDown(n);
            }
        }

        private void roundUp(int n) {
            if (n < 0 || n >= digits.length) {
                return;
            }
            while (n > 0 && digits[n - 1] >= '9') {
                n--;
            }
            if (n == 0) { // all nines: becomes 1 with a larger exponent
                digits = new char[] {'1'};
                exp++;
                return;
            }
            digits = Arrays.copyOf(digits, n);
            digits[n - 1]++;
        }

        private void roundDown(int n) {
            if (n < 0 || n >= digits.length) {
                return;
            }
            while (n > 0 && digits[n - 1] == '0') {
                n--;
            }
            digits = Arrays.copyOf(digits, n);
        }

        BigDecimal toBigDecimal() {
            if (digits.length == 0) {
                return BigDecimal.ZERO;
            }
            return new BigDecimal(new BigInteger(new String(digits)), digits.length - exp);
        }
    }
}

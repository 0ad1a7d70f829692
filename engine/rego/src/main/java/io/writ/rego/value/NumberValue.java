package io.writ.rego.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A Rego number. Exact like OPA's: integers of any size stay exact, decimals are kept as written
 * (no silent rounding through {@code double}). Integers that fit a {@code long} take a fast path.
 * Equality is numeric: {@code 1 == 1.0}.
 */
public final class NumberValue implements Value {
    private static final NumberValue[] SMALL = new NumberValue[1024 + 128];
    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = new NumberValue(i - 128, null);
        }
    }
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    public static final NumberValue ZERO = of(0);
    public static final NumberValue ONE = of(1);

    private final long small;
    /** Null when the value is the integer {@link #small}; otherwise normalised (no trailing zeros). */
    private final BigDecimal big;

    private NumberValue(long small, BigDecimal big) {
        this.small = small;
        this.big = big;
    }

    public static NumberValue of(long n) {
        if (n >= -128 && n < SMALL.length - 128) {
            return SMALL[(int) n + 128];
        }
        return new NumberValue(n, null);
    }

    public static NumberValue of(BigInteger n) {
        if (n.bitLength() < 64) {
            return of(n.longValue());
        }
        return new NumberValue(0, new BigDecimal(n));
    }

    public static NumberValue of(BigDecimal d) {
        if (d.signum() == 0) {
            return ZERO;
        }
        BigDecimal s = d.stripTrailingZeros();
        if (s.scale() <= 0 && s.compareTo(LONG_MIN) >= 0 && s.compareTo(LONG_MAX) <= 0) {
            return of(s.longValueExact());
        }
        if (s.scale() < 0) {
            s = s.setScale(0); // keep integers in plain form
        }
        return new NumberValue(0, s);
    }

    /** A double as the shortest decimal that reads back as the same double; NaN and infinities are refused. */
    public static NumberValue of(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new ArithmeticException("number is not finite: " + d);
        }
        if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
            return of((long) d);
        }
        return of(BigDecimal.valueOf(d));
    }

    /** Parses a JSON/Rego number literal exactly. */
    public static NumberValue parse(String text) {
        try {
            if (text.length() < 18 && text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
                return of(Long.parseLong(text));
            }
            return of(new BigDecimal(text));
        } catch (NumberFormatException e) {
            throw new NumberFormatException("invalid number: " + text);
        }
    }

    public boolean isInteger() {
        return big == null || big.scale() <= 0;
    }

    /** True when this is an integer that fits a {@code long}. */
    public boolean isLong() {
        return big == null;
    }

    public long longValue() {
        return big == null ? small : big.longValue();
    }

    /** The value as an {@code int} if it is an integer in range, else null. */
    public Integer intValueExact() {
        if (big == null && small >= Integer.MIN_VALUE && small <= Integer.MAX_VALUE) {
            return (int) small;
        }
        return null;
    }

    public double doubleValue() {
        return big == null ? (double) small : big.doubleValue();
    }

    public BigDecimal bigDecimal() {
        return big == null ? BigDecimal.valueOf(small) : big;
    }

    /** Exact integer value; callers check {@link #isInteger()} first. */
    public BigInteger bigInteger() {
        return big == null ? BigInteger.valueOf(small) : big.toBigIntegerExact();
    }

    public int signum() {
        return big == null ? Long.signum(small) : big.signum();
    }

    @Override
    public int typeOrder() {
        return 2;
    }

    @Override
    public String typeName() {
        return "number";
    }

    @Override
    public JsonNode toJson() {
        if (big == null) {
            return small == (int) small ? IntNode.valueOf((int) small) : LongNode.valueOf(small);
        }
        if (big.scale() <= 0) {
            return BigIntegerNode.valueOf(big.toBigInteger());
        }
        return DecimalNode.valueOf(big);
    }

    @Override
    public void appendRego(StringBuilder out) {
        out.append(this);
    }

    @Override
    public int compareTo(Value o) {
        if (o instanceof NumberValue n) {
            if (big == null && n.big == null) {
                return Long.compare(small, n.small);
            }
            return bigDecimal().compareTo(n.bigDecimal());
        }
        return Integer.compare(2, o.typeOrder());
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof NumberValue n)) {
            return false;
        }
        if (big == null && n.big == null) {
            return small == n.small;
        }
        return big != null && n.big != null && big.equals(n.big); // both normalised
    }

    @Override
    public int hashCode() {
        return big == null ? Long.hashCode(small) : big.hashCode();
    }

    @Override
    public String toString() {
        if (big == null) {
            return Long.toString(small);
        }
        return big.scale() <= 0 ? big.toBigInteger().toString() : big.toPlainString();
    }
}

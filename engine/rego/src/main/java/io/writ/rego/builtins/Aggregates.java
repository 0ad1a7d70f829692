package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

/**
 * Aggregate built-ins: {@code count}, {@code sum}, {@code product}, {@code max}, {@code min} and
 * {@code sort}. Sums and products of integers are exact; with any non-integer element they follow
 * OPA's binary float accumulation ({@link Numbers.GoFloat}).
 */
final class Aggregates {
    private Aggregates() {
    }

    static void register(Registry.Builder r) {
        r.fn("count", 1, (ctx, a) -> count(a[0]));
        r.fn("sum", 1, (ctx, a) -> sum(elements("sum", a[0]), a[0]));
        r.fn("product", 1, (ctx, a) -> product(elements("product", a[0]), a[0]));
        r.fn("max", 1, (ctx, a) -> extreme(elements("max", a[0]), 1));
        r.fn("min", 1, (ctx, a) -> extreme(elements("min", a[0]), -1));
        r.fn("sort", 1, (ctx, a) -> sort(elements("sort", a[0])));
    }

    private static NumberValue count(Value v) {
        int n = switch (v) {
            case ArrayValue a -> a.size();
            case ObjectValue o -> o.size();
            case SetValue s -> s.size();
            case StringValue s -> s.value().codePointCount(0, s.value().length());
            default -> throw Args.typeError("count", 0, v, "array", "object", "set", "string");
        };
        return NumberValue.of(n);
    }

    /** The elements of an array or set operand, in order. */
    private static List<Value> elements(String fn, Value v) {
        return switch (v) {
            case ArrayValue a -> a.items();
            case SetValue s -> s.elements();
            default -> throw Args.typeError(fn, 0, v, "set", "array");
        };
    }

    private static NumberValue sum(List<Value> items, Value operand) {
        long total = 0; // the common case: integers that fit a long, summed without BigInteger
        boolean fits = true;
        for (Value v : items) {
            if (!(v instanceof NumberValue n) || !n.isLong()) {
                fits = false;
                break;
            }
            long s = total + n.longValue();
            if (((total ^ s) & (n.longValue() ^ s)) < 0) {
                fits = false;
                break;
            }
            total = s;
        }
        if (fits) {
            return NumberValue.of(total);
        }
        BigInteger exact = exactIntegers(items, BigInteger.ZERO, false);
        if (exact != null) {
            return NumberValue.of(exact);
        }
        // new(big.Float) has no precision yet; the first Add gives it the operands' 64 bits
        Numbers.GoFloat acc = Numbers.GoFloat.of(NumberValue.ZERO);
        for (Value v : items) {
            acc = acc.add(Numbers.GoFloat.of(numberElement("sum", operand, v)), Numbers.GoFloat.DEFAULT_PREC);
        }
        return acc.toNumber();
    }

    private static NumberValue product(List<Value> items, Value operand) {
        BigInteger exact = exactIntegers(items, BigInteger.ONE, true);
        if (exact != null) {
            return NumberValue.of(exact);
        }
        // OPA starts from big.NewFloat(1), whose 53-bit precision every product then keeps
        Numbers.GoFloat acc = Numbers.GoFloat.ONE;
        for (Value v : items) {
            acc = acc.multiply(Numbers.GoFloat.of(numberElement("product", operand, v)),
                    Numbers.GoFloat.FLOAT64_PREC);
        }
        return acc.toNumber();
    }

    /** The exact sum or product when every element is an integer, else null. */
    private static BigInteger exactIntegers(List<Value> items, BigInteger start, boolean multiply) {
        BigInteger acc = start;
        for (Value v : items) {
            if (!(v instanceof NumberValue n) || !n.isInteger()) {
                return null;
            }
            acc = multiply ? acc.multiply(n.bigInteger()) : acc.add(n.bigInteger());
        }
        return acc;
    }

    private static NumberValue numberElement(String fn, Value operand, Value v) {
        if (v instanceof NumberValue n) {
            return n;
        }
        String kind = operand.typeName();
        throw BuiltinException.type(fn + ": operand 1 must be " + kind + " of numbers but got " + kind
                + " containing " + v.typeName());
    }

    /** The greatest ({@code sign} 1) or least ({@code sign} -1) element in OPA's order; undefined when empty. */
    private static Value extreme(List<Value> items, int sign) {
        Value best = null;
        for (Value v : items) {
            if (best == null || Integer.signum(v.compareTo(best)) == sign) {
                best = v;
            }
        }
        return best;
    }

    private static ArrayValue sort(List<Value> items) {
        Value[] sorted = items.toArray(new Value[0]);
        Arrays.sort(sorted);
        return ArrayValue.wrap(sorted);
    }
}

package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.Value;

import java.util.ArrayList;
import java.util.List;

/**
 * Array built-ins: {@code array.concat}, {@code array.slice} (indexes clamped into range, as OPA does),
 * {@code array.reverse} and {@code array.flatten} (one level deep).
 */
final class ArrayOps {
    private ArrayOps() {
    }

    static void register(Registry.Builder r) {
        r.fn("array.concat", 2, (ctx, a) -> concat(Args.array("array.concat", a, 0), Args.array("array.concat", a, 1)));
        r.fn("array.slice", 3, (ctx, a) -> slice(a));
        r.fn("array.reverse", 1, (ctx, a) -> reverse(Args.array("array.reverse", a, 0)));
        r.fn("array.flatten", 1, (ctx, a) -> flatten(Args.array("array.flatten", a, 0)));
    }

    private static ArrayValue concat(ArrayValue x, ArrayValue y) {
        Value[] out = new Value[x.size() + y.size()];
        for (int i = 0; i < x.size(); i++) {
            out[i] = x.get(i);
        }
        for (int i = 0; i < y.size(); i++) {
            out[x.size() + i] = y.get(i);
        }
        return ArrayValue.wrap(out);
    }

    private static ArrayValue slice(Value[] a) {
        ArrayValue arr = Args.array("array.slice", a, 0);
        long start = index(a, 1);
        long stop = index(a, 2);
        stop = Math.max(0, Math.min(stop, arr.size()));
        start = Math.max(0, Math.min(start, stop));
        Value[] out = new Value[(int) (stop - start)];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get((int) start + i);
        }
        return ArrayValue.wrap(out);
    }

    /** An index operand: an integer that fits Go's int (int64), as OPA's IntOperand requires. */
    private static long index(Value[] a, int i) {
        NumberValue n = Args.number("array.slice", a, i);
        if (!n.isLong()) {
            throw BuiltinException.type("array.slice: operand " + (i + 1)
                    + " must be integer number but got floating-point number");
        }
        return n.longValue();
    }

    private static ArrayValue reverse(ArrayValue arr) {
        Value[] out = new Value[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(out.length - 1 - i);
        }
        return ArrayValue.wrap(out);
    }

    /** Splices the elements of nested arrays into the result; other elements stay as they are. */
    private static ArrayValue flatten(ArrayValue arr) {
        List<Value> out = new ArrayList<>(arr.size());
        for (Value v : arr.items()) {
            if (v instanceof ArrayValue inner) {
                out.addAll(inner.items());
            } else {
                out.add(v);
            }
        }
        return ArrayValue.of(out);
    }
}

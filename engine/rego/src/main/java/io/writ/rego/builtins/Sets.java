package io.writ.rego.builtins;

import io.writ.rego.value.SetValue;
import io.writ.rego.value.Value;

import java.util.ArrayList;
import java.util.List;

/**
 * Set built-ins: {@code and} (the {@code &} operator), {@code or} ({@code |}), and {@code intersection}
 * and {@code union} of a set of sets.
 */
final class Sets {
    private Sets() {
    }

    static void register(Registry.Builder r) {
        r.fn("and", 2, (ctx, a) -> intersect(Args.set("and", a, 0), Args.set("and", a, 1)));
        r.fn("or", 2, (ctx, a) -> union(Args.set("or", a, 0), Args.set("or", a, 1)));
        r.fn("intersection", 1, (ctx, a) -> intersectAll(a));
        r.fn("union", 1, (ctx, a) -> unionAll(a));
    }

    private static SetValue intersect(SetValue x, SetValue y) {
        List<Value> out = new ArrayList<>(Math.min(x.size(), y.size()));
        for (Value v : x.elements()) {
            if (y.contains(v)) {
                out.add(v);
            }
        }
        return SetValue.of(out);
    }

    private static SetValue union(SetValue x, SetValue y) {
        List<Value> out = new ArrayList<>(x.size() + y.size());
        out.addAll(x.elements());
        out.addAll(y.elements());
        return SetValue.of(out);
    }

    /** Every element must be a set (OPA reports a stray element as operand 1); empty input gives an empty set. */
    private static SetValue intersectAll(Value[] a) {
        SetValue result = null;
        for (Value v : Args.set("intersection", a, 0).elements()) {
            SetValue s = member("intersection", v);
            result = result == null ? s : intersect(result, s);
        }
        return result == null ? SetValue.EMPTY : result;
    }

    /** A member of the set-of-sets operand. */
    private static SetValue member(String fn, Value v) {
        if (v instanceof SetValue s) {
            return s;
        }
        throw Args.typeError(fn, 0, v, "set");
    }

    private static SetValue unionAll(Value[] a) {
        List<Value> out = new ArrayList<>();
        for (Value v : Args.set("union", a, 0).elements()) {
            out.addAll(member("union", v).elements());
        }
        return SetValue.of(out);
    }
}

package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.Value;

import java.util.List;

/**
 * Object built-ins: {@code object.get} (a key, or an array as a path into nested objects, arrays and
 * sets, with a default), {@code object.keys}, {@code object.remove}, {@code object.filter},
 * {@code object.union} and {@code object.union_n} (recursive merge, the right-hand side winning) and
 * {@code object.subset}.
 */
final class ObjectOps {
    private ObjectOps() {
    }

    static void register(Registry.Builder r) {
        r.fn("object.get", 3, (ctx, a) -> get(Args.object("object.get", a, 0), a[1], a[2]));
        r.fn("object.keys", 1, (ctx, a) -> SetValue.of(Args.object("object.keys", a, 0).keys()));
        r.fn("object.remove", 2, (ctx, a) -> select(Args.object("object.remove", a, 0), keys("object.remove", a[1]), false));
        r.fn("object.filter", 2, (ctx, a) -> select(Args.object("object.filter", a, 0), keys("object.filter", a[1]), true));
        r.fn("object.union", 2, (ctx, a) -> merge(Args.object("object.union", a, 0), Args.object("object.union", a, 1)));
        r.fn("object.union_n", 1, (ctx, a) -> unionAll(Args.array("object.union_n", a, 0)));
        r.fn("object.subset", 2, (ctx, a) -> BooleanValue.of(subset(a[0], a[1])));
    }

    private static Value get(ObjectValue obj, Value key, Value dflt) {
        if (!(key instanceof ArrayValue path)) {
            Value v = obj.get(key);
            return v != null ? v : dflt;
        }
        Value v = find(obj, path.items(), 0);
        return v != null ? v : dflt;
    }

    /** The value at {@code path[i:]} below {@code v}, or null; set members are addressed by themselves. */
    private static Value find(Value v, List<Value> path, int i) {
        if (i == path.size()) {
            return v;
        }
        Value key = path.get(i);
        Value next = switch (v) {
            case ObjectValue o -> o.get(key);
            case ArrayValue a -> key instanceof NumberValue n && n.isLong() && n.longValue() >= 0
                    && n.longValue() < a.size() ? a.get((int) n.longValue()) : null;
            case SetValue s -> s.contains(key) ? key : null;
            default -> null;
        };
        return next == null ? null : find(next, path, i + 1);
    }

    /** The keys named by an array, a set, or an object's keys. */
    private static SetValue keys(String fn, Value v) {
        return switch (v) {
            case ArrayValue a -> SetValue.of(a.items());
            case SetValue s -> s;
            case ObjectValue o -> SetValue.of(o.keys());
            default -> throw Args.typeError(fn, 1, v, "object", "set", "array");
        };
    }

    /** The entries whose key is ({@code keep}) or is not ({@code !keep}) in {@code keys}. */
    private static ObjectValue select(ObjectValue obj, SetValue keys, boolean keep) {
        ObjectValue.Builder b = ObjectValue.builder();
        for (int i = 0; i < obj.size(); i++) {
            if (keys.contains(obj.keyAt(i)) == keep) {
                b.put(obj.keyAt(i), obj.valueAt(i));
            }
        }
        return b.build();
    }

    /** {@code b} over {@code a}: where both hold objects at a key they merge, otherwise {@code b}'s value wins. */
    private static ObjectValue merge(ObjectValue a, ObjectValue b) {
        if (a.equals(b)) {
            return a;
        }
        ObjectValue.Builder out = a.toBuilder();
        for (int i = 0; i < b.size(); i++) {
            Value k = b.keyAt(i);
            Value v = b.valueAt(i);
            if (a.get(k) instanceof ObjectValue x && v instanceof ObjectValue y) {
                v = merge(x, y);
            }
            out.put(k, v);
        }
        return out.build();
    }

    /** {@code object.union} folded left to right. */
    private static ObjectValue unionAll(ArrayValue arr) {
        // OPA walks the array from the back, so a bad element is reported from the end
        for (int i = arr.size() - 1; i >= 0; i--) {
            if (!(arr.get(i) instanceof ObjectValue)) {
                throw BuiltinException.type("object.union_n: operand 1 must be array of objects but got array containing "
                        + arr.get(i).typeName());
            }
        }
        ObjectValue result = ObjectValue.EMPTY;
        for (Value v : arr.items()) {
            result = merge(result, (ObjectValue) v);
        }
        return result;
    }

    private static boolean subset(Value sup, Value sub) {
        return switch (sup) {
            case ObjectValue a when sub instanceof ObjectValue b -> objectSubset(a, b);
            case SetValue a when sub instanceof SetValue b -> setSubset(a, b);
            case ArrayValue a when sub instanceof ArrayValue b -> arraySubset(a, b);
            case ArrayValue a when sub instanceof SetValue b -> arrayHoldsSet(a, b);
            default -> throw BuiltinException.type(
                    "object.subset: both arguments object.subset must be of the same type or array and set");
        };
    }

    /** Every key of {@code sub} is in {@code sup} with an equal value, or a nested object, set or array subset. */
    private static boolean objectSubset(ObjectValue sup, ObjectValue sub) {
        for (int i = 0; i < sub.size(); i++) {
            Value want = sub.valueAt(i);
            Value have = sup.get(sub.keyAt(i));
            if (have == null) {
                return false;
            }
            boolean ok = have.equals(want)
                    || have instanceof ObjectValue x && want instanceof ObjectValue y && objectSubset(x, y)
                    || have instanceof SetValue x && want instanceof SetValue y && setSubset(x, y)
                    || have instanceof ArrayValue x && want instanceof ArrayValue y && arraySubset(x, y);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean setSubset(SetValue sup, SetValue sub) {
        for (Value v : sub.elements()) {
            if (!sup.contains(v)) {
                return false;
            }
        }
        return true;
    }

    /** {@code sub} occurs in {@code sup} as a contiguous run. */
    private static boolean arraySubset(ArrayValue sup, ArrayValue sub) {
        int n = sub.size();
        for (int start = 0; start + n <= sup.size(); start++) {
            int j = 0;
            while (j < n && sup.get(start + j).equals(sub.get(j))) {
                j++;
            }
            if (j == n) {
                return true;
            }
        }
        return false;
    }

    /**
     * OPA's array-versus-set case counts the array's elements that are in the set until it has seen as
     * many as the set has members, duplicates included, and an empty array is never a superset. Both
     * quirks are kept so results match.
     */
    private static boolean arrayHoldsSet(ArrayValue sup, SetValue sub) {
        int unmatched = sub.size();
        for (Value v : sup.items()) {
            if (sub.contains(v)) {
                unmatched--;
            }
            if (unmatched == 0) {
                return true;
            }
        }
        return false;
    }
}

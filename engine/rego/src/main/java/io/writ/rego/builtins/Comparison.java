package io.writ.rego.builtins;

import io.writ.rego.value.BooleanValue;

import java.util.function.IntPredicate;

/**
 * Comparison built-ins behind the infix operators: {@code equal} ({@code ==}), {@code neq} ({@code !=}),
 * {@code lt} ({@code <}), {@code gt} ({@code >}), {@code lte} ({@code <=}) and {@code gte} ({@code >=}).
 * Any two values compare, by OPA's total order over all types
 * (null &lt; boolean &lt; number &lt; string &lt; array &lt; object &lt; set).
 */
final class Comparison {
    private Comparison() {
    }

    static void register(Registry.Builder r) {
        r.fn("equal", 2, (ctx, a) -> BooleanValue.of(a[0].equals(a[1])));
        r.fn("neq", 2, (ctx, a) -> BooleanValue.of(!a[0].equals(a[1])));
        ordering(r, "lt", c -> c < 0);
        ordering(r, "gt", c -> c > 0);
        ordering(r, "lte", c -> c <= 0);
        ordering(r, "gte", c -> c >= 0);
    }

    private static void ordering(Registry.Builder r, String name, IntPredicate holds) {
        r.fn(name, 2, (ctx, a) -> BooleanValue.of(holds.test(a[0].compareTo(a[1]))));
    }
}

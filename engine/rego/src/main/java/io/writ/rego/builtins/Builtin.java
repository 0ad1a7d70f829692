package io.writ.rego.builtins;

import io.writ.rego.value.Value;

/**
 * One built-in function. {@code arity} is the number of operands (not counting the output).
 * A relation (like {@code walk}) returns an {@code ArrayValue} of all its outputs, and the
 * evaluator tries each; a plain function returns one value, or null for "undefined".
 */
public record Builtin(String name, int arity, Impl impl, boolean relation, boolean nondeterministic) {

    @FunctionalInterface
    public interface Impl {
        /**
         * Computes the result. Throws {@link BuiltinException} for type or value errors; returns null
         * when the result is undefined.
         */
        Value call(BuiltinContext ctx, Value[] args);
    }
}

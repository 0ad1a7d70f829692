package io.writ.rego.ast;

import io.writ.rego.builtins.Builtin;

/** The resolved targets of calls. */
public final class Targets {
    private Targets() {
    }

    public record BuiltinTarget(Builtin builtin) implements Term.CallTarget {
    }

    public record FunctionTarget(Node node) implements Term.CallTarget {
    }

    /** Calls the evaluator implements itself: membership ({@code in}) and {@code print}. */
    public record Special(String name, int arity) implements Term.CallTarget {
    }
}

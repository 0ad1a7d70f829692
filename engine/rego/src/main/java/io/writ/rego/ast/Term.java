package io.writ.rego.ast;

import io.writ.rego.value.Value;

import java.util.List;

/**
 * A Rego term as parsed, plus the resolved forms the compiler rewrites them into ({@link Local},
 * {@link Const}). Records keep the AST immutable; the compiler builds new nodes rather than mutating.
 */
public sealed interface Term {
    Location loc();

    /** A scalar literal: null, boolean, number or string. */
    record Scalar(Value value, Location loc) implements Term {
    }

    /** A variable as written. After compilation only {@code input}/{@code data} roots remain as Var heads. */
    record Var(String name, Location loc) implements Term {
        public boolean isWildcard() {
            return name.equals("_");
        }
    }

    /** A compiled local variable: a slot in the evaluation frame. */
    record Local(int slot, String name, Location loc) implements Term {
    }

    /**
     * A compiled {@code data} reference head: the first {@code depth} path elements are constants that lead
     * to {@code node}, found once at compile time instead of at every evaluation.
     */
    record DataRoot(Node node, int depth, Location loc) implements Term {
    }

    /** A compiled ground composite (or scalar) whose value is known at compile time. */
    record Const(Value value, Location loc) implements Term {
    }

    /** A compiled reference to a function by name, as the value of a {@code with} (a mock). */
    record FuncRef(String name, CallTarget target, Location loc) implements Term {
    }

    /** {@code head.path[0][path[1]]...}; dotted names are string scalars in the path. */
    record Ref(Term head, List<Term> path, Location loc) implements Term {
    }

    record ArrayTerm(List<Term> items, Location loc) implements Term {
    }

    record SetTerm(List<Term> items, Location loc) implements Term {
    }

    record ObjectTerm(List<Term> keys, List<Term> values, Location loc) implements Term {
    }

    record ArrayCompr(Term head, List<Expr> body, Location loc) implements Term {
    }

    record SetCompr(Term head, List<Expr> body, Location loc) implements Term {
    }

    record ObjectCompr(Term key, Term value, List<Expr> body, Location loc) implements Term {
    }

    /**
     * A comprehension whose only outer variable ({@code slot}) appears once, in {@code key == outer}: it is
     * evaluated once per evaluation for all keys ({@code body} is the comprehension's body without that
     * equality) and then looked up, instead of being run again for every value of the outer variable
     * (OPA's comprehension indexing). {@code compr} is the comprehension as written, the fallback.
     */
    record IndexedCompr(Term compr, int slot, Term key, List<Expr> body, Location loc) implements Term {
    }

    /**
     * A call {@code name(args)}. {@code name} is the dotted name as written (e.g. {@code strings.contains},
     * {@code data.pkg.f}, {@code plus} for {@code +}); {@code target} is set by the compiler.
     */
    record Call(String name, List<Term> args, Location loc, CallTarget target) implements Term {
        public Call(String name, List<Term> args, Location loc) {
            this(name, args, loc, null);
        }
    }

    /** What a call resolves to: a built-in or a user function at a rule path (set by the compiler). */
    interface CallTarget {
    }
}

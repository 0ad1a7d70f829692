package io.writ.rego.ast;

import java.util.List;

/** A body expression (OPA's "literal"), with its {@code with} modifiers. */
public sealed interface Expr {
    Location loc();

    List<With> withs();

    /** A term that must be defined and not false, e.g. {@code count(x) > 1} or {@code input.allowed}. */
    record TermExpr(Term term, List<With> withs, Location loc) implements Expr {
    }

    /** {@code a = b}: unification. */
    record Unify(Term left, Term right, List<With> withs, Location loc) implements Expr {
    }

    /** {@code a := b}: declares the variables of {@code a}. */
    record Assign(Term left, Term right, List<With> withs, Location loc) implements Expr {
    }

    record Not(Expr expr, List<With> withs, Location loc) implements Expr {
    }

    /** {@code some x, y}: declarations only. */
    record SomeDecl(List<Term.Var> vars, Location loc) implements Expr {
        @Override
        public List<With> withs() {
            return List.of();
        }
    }

    /** {@code some v in c} or {@code some k, v in c}; {@code key} is null in the first form. */
    record SomeIn(Term key, Term value, Term collection, List<With> withs, Location loc) implements Expr {
    }

    /** {@code every k, v in domain { body }}; {@code key} may be null. */
    record Every(Term key, Term value, Term domain, List<Expr> body, List<With> withs, Location loc) implements Expr {
    }

    /** {@code with target as value}. */
    record With(Term target, Term value, Location loc) {
    }

    /** The same expression with other modifiers. */
    static Expr withWiths(Expr e, List<With> ws) {
        return switch (e) {
            case TermExpr t -> new TermExpr(t.term(), ws, t.loc());
            case Unify u -> new Unify(u.left(), u.right(), ws, u.loc());
            case Assign a -> new Assign(a.left(), a.right(), ws, a.loc());
            case Not n -> new Not(n.expr(), ws, n.loc());
            case SomeDecl s -> s;
            case SomeIn s -> new SomeIn(s.key(), s.value(), s.collection(), ws, s.loc());
            case Every v -> new Every(v.key(), v.value(), v.domain(), v.body(), ws, v.loc());
        };
    }
}

package io.writ.rego.ast;

/**
 * A rule ready to evaluate: body reordered for safety, variables resolved to frame slots.
 * {@code suffix} holds the non-ground part of the head's ref ({@code p[x].y := v} has suffix {@code [x, "y"]}).
 */
public record CompiledRule(Rule.Kind kind, Location loc, Node node, Term[] suffix, Term key, Term value, Term[] params,
                           java.util.List<Expr> body, int frameSize, CompiledRule elseRule) {

    /** True when the value does not depend on the body's bindings, so one solution is enough. */
    public boolean constantValue() {
        return value instanceof Term.Const || value instanceof Term.Scalar;
    }
}

package io.writ.rego.ast;

import java.util.List;

/**
 * A rule as parsed. {@code ref} is the head reference relative to the package (e.g. {@code p},
 * {@code a.b[x]}). {@code value} is null for rules whose value is {@code true}. For {@code contains}
 * rules {@code key} is the element. {@code args} is non-null for functions. {@code elseRule} chains.
 */
public record Rule(Location loc, Kind kind, Term.Ref ref, List<Term> args, Term key, Term value,
                   List<Expr> body, boolean isDefault, Rule elseRule) {

    public enum Kind { SINGLE, MULTI, FUNCTION }
}

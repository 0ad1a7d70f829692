package io.writ.engine.cases;

import io.writ.rego.value.Value;

import java.util.Optional;

/** A part of the single-case view that another feature owns, e.g. the enforcement plan's progress. */
public interface CaseViewSection {
    /** The member name in the case object, e.g. {@code enforcement}. */
    String name();

    /** The section for this case, empty when there is nothing to show. */
    Optional<Value> section(CaseRow c);
}

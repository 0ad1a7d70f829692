package io.writ.engine.evaluation;

import io.writ.rego.value.Value;

/**
 * Evaluates documents of the loaded policy bundle. The embedded Rego engine implements it today; an
 * OPA-server client (OPA's REST Data API) is the planned second implementation.
 */
public interface PolicyEngine {

    /** The document at {@code path} (e.g. {@code writ/aup/decision}) for this input, or null when undefined. */
    Value evaluate(String path, Value input);

    /** The revision of the bundle in use, from its {@code .manifest}. */
    String revision();
}

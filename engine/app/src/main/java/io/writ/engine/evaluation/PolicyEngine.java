package io.writ.engine.evaluation;

import io.writ.rego.value.Value;

/**
 * Evaluates documents of the loaded policy bundle. Exactly one implementation is a bean, chosen by
 * {@code writ.policy.engine}: {@code embedded} (the default, {@link EmbeddedPolicyEngine}, Writ's own Rego
 * engine) or {@code opa} ({@link OpaPolicyEngine}, an OPA server through its REST Data API).
 */
public interface PolicyEngine {

    /**
     * The document at {@code path} (e.g. {@code writ/aup/decision}) for this input, or null when undefined.
     *
     * @throws PolicyEngineException when a remote engine cannot be reached, times out or fails
     * @throws IllegalStateException when no bundle is loaded
     */
    Value evaluate(String path, Value input);

    /** The revision of the bundle in use, from its {@code .manifest}; null when unknown. */
    String revision();

    /** {@code embedded} or {@code opa}: the value of {@code writ.policy.engine}, and the metrics' engine tag. */
    String kind();

    /** Whether decisions can be made now, and the details {@code /health} shows. */
    PolicyStatus status();
}

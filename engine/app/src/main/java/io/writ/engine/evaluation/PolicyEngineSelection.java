package io.writ.engine.evaluation;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;

/**
 * Fails the start when {@code writ.policy.engine} names no engine: otherwise the service would start
 * without a policy engine and only its first request would say so.
 */
@Context
final class PolicyEngineSelection {
    static final String PROPERTY = "writ.policy.engine";

    PolicyEngineSelection(@Value("${" + PROPERTY + ":" + EmbeddedPolicyEngine.KIND + "}") String engine) {
        if (!engine.equals(EmbeddedPolicyEngine.KIND) && !engine.equals(OpaPolicyEngine.KIND)) {
            throw new ConfigurationException(PROPERTY + " is '" + engine + "'; it must be '"
                    + EmbeddedPolicyEngine.KIND + "' or '" + OpaPolicyEngine.KIND + "'");
        }
    }
}

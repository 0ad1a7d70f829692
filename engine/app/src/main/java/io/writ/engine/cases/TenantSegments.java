package io.writ.engine.cases;

import java.util.Optional;

/**
 * Where the case sink can learn a tenant's segment (DESIGN §4) when the decision does not carry it. A
 * {@link io.writ.engine.evaluation.StoredDecision} holds the policy's result but not its input, so without such
 * a bean the sink relies on the decision alone (see {@link CaseSink}). Optional: implement it where dossiers
 * are stored.
 */
public interface TenantSegments {
    /** The tenant's segment as of now, e.g. {@code government-intelligence}; empty when unknown. */
    Optional<String> segmentOf(String tenantId);
}

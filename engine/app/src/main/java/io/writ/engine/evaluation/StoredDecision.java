package io.writ.engine.evaluation;

import io.writ.rego.value.Value;

import java.time.Instant;

/**
 * A decision as stored: which tenant, which dossier version (and its hash), which bundle revision,
 * what the policy returned, when and how long it took.
 */
public record StoredDecision(String decisionId, String tenantId, long dossierVersion, String dossierHash,
                             String bundleRevision, Value result, Instant decidedAt, long durationMicros) {
}

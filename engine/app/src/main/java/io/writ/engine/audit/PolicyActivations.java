package io.writ.engine.audit;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.transaction.TransactionOperations;
import io.writ.engine.evaluation.EmbeddedPolicyEngine;

import java.sql.Connection;

/**
 * Records every policy bundle the embedded engine puts in use, at start and on each reload, each in its own
 * transaction and before the bundle decides anything: a bundle whose activation cannot be recorded is not used.
 */
@Context
@Requires(beans = EmbeddedPolicyEngine.class)
class PolicyActivations {

    PolicyActivations(EmbeddedPolicyEngine engine, AuditLog audit, TransactionOperations<Connection> tx) {
        engine.gate((next, previous) -> tx.executeWrite(status -> {
            audit.append(Entries.POLICY_ACTIVATED, Entries.policyActivated(EmbeddedPolicyEngine.KIND, next.location(),
                    next.revision(), previous == null ? null : previous.revision()));
            return null;
        }));
    }
}

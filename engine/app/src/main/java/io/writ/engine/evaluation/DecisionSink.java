package io.writ.engine.evaluation;

import io.writ.rego.value.ObjectValue;

/**
 * Told of every stored decision, inside the transaction that stores it, so that what follows from a
 * decision (a case opened, evidence added) commits or rolls back with it. Cases implement this.
 */
public interface DecisionSink {
    void onDecision(StoredDecision decision);

    /** The same, with the dossier the policy decided on at hand (the evaluator calls this one). */
    default void onDecision(StoredDecision decision, ObjectValue input) {
        onDecision(decision);
    }
}

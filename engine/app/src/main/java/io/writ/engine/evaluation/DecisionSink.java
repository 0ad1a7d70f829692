package io.writ.engine.evaluation;

/**
 * Told of every stored decision, inside the transaction that stores it, so that what follows from a
 * decision (a case opened, evidence added) commits or rolls back with it. Cases implement this.
 */
public interface DecisionSink {
    void onDecision(StoredDecision decision);
}

package io.writ.connector;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Set;

/**
 * A cloud provider's side of enforcement. Every method acts on one {@link Action} of an approved plan; the engine
 * calls them in this order: {@link #describe} and {@link #preview} for the plan's dry run, {@link #apply} once per
 * action with an idempotency key (again with the same key after a crash: the connector must then recognise its own
 * change and return {@code alreadyApplied}), {@link #verify} after each apply, and on reinstatement
 * {@link #revert} with what apply returned, followed by {@link #verifyReverted}.
 *
 * <p>Implementations are thread-safe, retry transient provider errors within their own budget before throwing a
 * {@link ConnectorException.Kind#TRANSIENT} one, and never log credentials.
 */
public interface Connector extends AutoCloseable {
    /** The provider name the engine routes actions to (the {@code provider} of a tenant's subscriptions). */
    String name();

    /** The action kinds this connector can carry out. */
    Set<ActionKind> supports();

    /** Checks the action names a target this connector can act on and says what it is. Reads only. */
    TargetDescription describe(Action action) throws ConnectorException;

    /** Current state and intended change. Reads only. */
    Preview preview(Action action) throws ConnectorException;

    /** Makes the change. The key names or tags what is created so that a repeat finds it instead of repeating it. */
    Applied apply(Action action, String idempotencyKey) throws ConnectorException;

    /**
     * Makes the change, given the target's state as {@link #preview} read it before the first attempt (the engine
     * stores it before it calls apply). A change that removes what its revert needs — a deleted role assignment —
     * cannot be read back by a repeat after a crash halfway; the connector takes it from {@code before} instead.
     * By default the same as {@link #apply(Action, String)}.
     */
    default Applied apply(Action action, String idempotencyKey, ObjectNode before) throws ConnectorException {
        return apply(action, idempotencyKey);
    }

    /** Reads the target back and says whether the applied change holds. */
    Verification verify(Action action, Applied applied) throws ConnectorException;

    /** Undoes exactly what {@link #apply} did, restoring {@link Applied#prior}. Repeating it is harmless. */
    Reverted revert(Action action, Applied applied, String idempotencyKey) throws ConnectorException;

    /** Reads the target back and says whether the prior state is restored. */
    Verification verifyReverted(Action action, Applied applied) throws ConnectorException;

    @Override
    default void close() {
    }
}

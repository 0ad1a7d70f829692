package io.writ.connector;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What {@link Connector#revert} did.
 *
 * @param restored        the state put back (the {@link Applied#prior} values, re-created objects)
 * @param alreadyReverted true when there was nothing left to undo (a re-run after a crash)
 */
public record Reverted(ObjectNode restored, boolean alreadyReverted) {
}

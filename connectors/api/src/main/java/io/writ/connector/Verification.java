package io.writ.connector;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The target's state read back after an apply or a revert.
 *
 * @param ok       whether the state is what the step intended
 * @param observed the fields read back
 * @param detail   one sentence on what was found ("subscription sub-a is Disabled")
 */
public record Verification(boolean ok, ObjectNode observed, String detail) {
}

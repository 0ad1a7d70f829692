package io.writ.connector;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A dry run: the target's current state as read from the provider, and the change the action would make. Nothing
 * is changed to produce it.
 *
 * @param target   what would be touched
 * @param current  the relevant part of the target's current state
 * @param intended the same fields as they would be after the action
 * @param summary  one sentence a reviewer can read ("cancel subscription sub-a (now Enabled)")
 */
public record Preview(TargetDescription target, ObjectNode current, ObjectNode intended, String summary) {
}

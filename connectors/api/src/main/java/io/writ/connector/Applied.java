package io.writ.connector;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Optional;

/**
 * What {@link Connector#apply} did: enough to verify it and to undo it exactly. The engine stores it durably
 * (as JSON) before it moves on, and hands it back to {@link Connector#verify} and {@link Connector#revert}.
 *
 * @param changed           what was changed, as the provider reported it (names of created objects, new values)
 * @param prior             the prior state needed to revert exactly (old values, deleted objects' definitions)
 * @param alreadyApplied    true when the target was already in the intended state under this idempotency key (a
 *                          re-apply after a crash): nothing was changed now
 * @param irreversibleAfter when the provider will make the change permanent unless it is reverted before (Azure
 *                          deletes a cancelled subscription's data about 90 days after cancellation)
 */
public record Applied(ObjectNode changed, ObjectNode prior, boolean alreadyApplied, Optional<Instant> irreversibleAfter) {
}

package io.writ.connector;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What an action would touch, as the provider names it.
 *
 * @param provider the connector's name, e.g. {@code azure}
 * @param scope    {@code subscription}, {@code resource-group} or {@code resource}
 * @param id       the provider's identifier of the target (for Azure the ARM resource id)
 * @param details  whatever else helps a reviewer recognise it (display name, state, region, ...)
 */
public record TargetDescription(String provider, String scope, String id, ObjectNode details) {
}

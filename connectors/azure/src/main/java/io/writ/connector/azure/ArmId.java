package io.writ.connector.azure;

import io.writ.connector.Action;
import io.writ.connector.ConnectorException;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An ARM scope: a subscription ({@code /subscriptions/{id}}), a resource group ({@code …/resourceGroups/{name}}) or
 * a resource ({@code …/providers/{namespace}/{type}/{name}[/{childType}/{childName}]…}). Parsing is strict because
 * the id decides what Writ is about to lock or cut off: anything else is an INVALID action.
 *
 * @param subscriptionId the subscription GUID, lower case
 * @param resourceGroup  the resource group, or null for a subscription
 * @param namespace      the resource provider namespace, or null
 * @param type           the resource type without the namespace ({@code storageAccounts}, or
 *                       {@code servers/databases} for a child), or null
 * @param name           the resource's name (the last segment), or null
 * @param id             the whole id, normalised with a leading slash and no trailing one
 */
record ArmId(String subscriptionId, String resourceGroup, String namespace, String type, String name, String id) {
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern SEGMENT = Pattern.compile("[^/?#%\\s]+");

    /** {@code subscription}, {@code resource-group} or {@code resource}, as {@link io.writ.connector.TargetDescription} says. */
    String scope() {
        return resourceGroup == null ? "subscription" : namespace == null ? "resource-group" : "resource";
    }

    /** {@code Microsoft.Storage/storageAccounts}. */
    Optional<String> fullType() {
        return namespace == null ? Optional.empty() : Optional.of(namespace + "/" + type);
    }

    boolean isType(String fullType) {
        return fullType().map(t -> t.equalsIgnoreCase(fullType)).orElse(false);
    }

    static boolean isSubscriptionId(String s) {
        return s != null && GUID.matcher(s).matches();
    }

    static ArmId subscription(String subscriptionId) throws ConnectorException {
        return parse("/subscriptions/" + subscriptionId);
    }

    /** The action's {@code subscription} field, which must be a subscription GUID (not Writ's own name for it). */
    static ArmId subscriptionOf(Action action) throws ConnectorException {
        String sub = action.require("subscription");
        if (!isSubscriptionId(sub)) {
            throw ConnectorException.invalid(action.kind().wire() + " needs an Azure subscription id (a GUID), not '"
                    + sub + "'");
        }
        return subscription(sub);
    }

    /** The action's {@code scope} (any ARM scope) or, without one, its {@code subscription}. */
    static ArmId scopeOf(Action action) throws ConnectorException {
        Optional<String> scope = action.text("scope");
        if (scope.isPresent()) {
            return parse(scope.get());
        }
        if (action.text("subscription").isEmpty()) {
            throw ConnectorException.invalid(action.kind().wire()
                    + " needs a \"scope\" (an ARM id) or a \"subscription\": " + action.spec());
        }
        return subscriptionOf(action);
    }

    static ArmId parse(String raw) throws ConnectorException {
        if (raw == null || raw.isBlank()) {
            throw ConnectorException.invalid("an empty ARM id");
        }
        String s = raw.strip();
        String[] p = (s.startsWith("/") ? s.substring(1) : s).split("/", -1);
        for (String segment : p) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw ConnectorException.invalid("not an ARM id: '" + raw + "'");
            }
        }
        if (p.length < 2 || !p[0].equalsIgnoreCase("subscriptions") || !isSubscriptionId(p[1])) {
            throw ConnectorException.invalid("not an ARM id (no /subscriptions/{guid}): '" + raw + "'");
        }
        String sub = p[1].toLowerCase(Locale.ROOT);
        if (p.length == 2) {
            return new ArmId(sub, null, null, null, null, "/subscriptions/" + sub);
        }
        if (p.length < 4 || !p[2].equalsIgnoreCase("resourceGroups")) {
            throw ConnectorException.invalid("not an ARM id (no /resourceGroups/{name}): '" + raw + "'");
        }
        String rg = p[3];
        String rgId = "/subscriptions/" + sub + "/resourceGroups/" + rg;
        if (p.length == 4) {
            return new ArmId(sub, rg, null, null, null, rgId);
        }
        // providers/{namespace}/{type}/{name} and then pairs of child type and name.
        if (p.length < 8 || !p[4].equalsIgnoreCase("providers") || p.length % 2 != 0) {
            throw ConnectorException.invalid("not an ARM resource id: '" + raw + "'");
        }
        StringBuilder type = new StringBuilder(p[6]);
        for (int i = 8; i < p.length; i += 2) {
            type.append('/').append(p[i]);
        }
        return new ArmId(sub, rg, p[5], type.toString(), p[p.length - 1], rgId + "/" + String.join("/",
                java.util.Arrays.copyOfRange(p, 4, p.length)));
    }
}

package io.writ.connector.azure;

import com.azure.resourcemanager.cognitiveservices.fluent.models.AccountInner;
import com.azure.resourcemanager.cognitiveservices.models.AccountProperties;
import com.azure.resourcemanager.storage.fluent.models.StorageAccountInner;
import com.azure.resourcemanager.storage.models.DefaultAction;
import com.azure.resourcemanager.storage.models.NetworkRuleSet;
import com.azure.resourcemanager.storage.models.PublicNetworkAccess;
import com.azure.resourcemanager.storage.models.StorageAccountUpdateParameters;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.writ.connector.Action;
import io.writ.connector.Applied;
import io.writ.connector.ConnectorException;
import io.writ.connector.Preview;
import io.writ.connector.Reverted;
import io.writ.connector.TargetDescription;
import io.writ.connector.Verification;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * {@code isolate-resource}: cuts a resource off from the network and from key-based access while keeping its data.
 * Storage accounts get {@code publicNetworkAccess=Disabled}, {@code allowSharedKeyAccess=false} and
 * {@code networkAcls.defaultAction=Deny}; Cognitive Services accounts {@code publicNetworkAccess=Disabled} and
 * {@code disableLocalAuth=true}. The prior values go into {@link Applied#prior()} and, in the same PATCH, into a
 * tag on the resource: a repeat after a crash then still knows what to restore, rather than taking the isolated
 * values for the prior ones. Revert writes the prior values back and removes the tags.
 */
final class ResourceIsolation implements ArmAction {
    static final String PRIOR_TAG = "writ-isolation-prior";
    static final String KEY_TAG = "writ-isolation-key";
    private static final int TAG_VALUE_LIMIT = 256;

    private final ArmClients arm;

    ResourceIsolation(ArmClients arm) {
        this.arm = arm;
    }

    /** The resource's isolation-relevant values as ARM shows them (null when unset), and its tags. */
    private record Snapshot(ObjectNode values, Map<String, String> tags, Object raw) {
    }

    /** One resource type: what it reads, what it writes, and what isolated means for it. */
    private sealed interface Kind permits StorageKind, CognitiveKind {
        Snapshot read(ArmId id);

        void write(ArmId id, Snapshot current, ObjectNode values, Map<String, String> tags);

        ObjectNode isolated();

        /** What ARM means by an unset value (storage: shared keys allowed; both: public network enabled). */
        ObjectNode defaults();
    }

    @Override
    public TargetDescription describe(Action action) throws ConnectorException {
        ArmId id = resource(action);
        return new TargetDescription(AzureConnector.NAME, "resource", id.id(), Json.object(
                "resourceType", id.fullType().orElseThrow(), "resourceGroup", id.resourceGroup(), "name", id.name()));
    }

    @Override
    public Preview preview(Action action) throws ConnectorException {
        ArmId id = resource(action);
        Kind kind = kind(id);
        Snapshot now = kind.read(id);
        return new Preview(describe(action), now.values(), kind.isolated(),
                "isolate " + id.fullType().orElseThrow() + " " + id.name() + ": " + kind.isolated());
    }

    @Override
    public Applied apply(Action action, String idempotencyKey) throws ConnectorException {
        ArmId id = resource(action);
        Kind kind = kind(id);
        Snapshot now = kind.read(id);
        String recorded = now.tags().get(PRIOR_TAG);
        ObjectNode prior = recorded != null ? parse(recorded) : now.values();
        if (recorded != null && matches(now.values(), kind.isolated(), kind.defaults())) {
            return new Applied(changed(id, kind.isolated()), prior, true, Optional.empty());
        }
        Map<String, String> tags = new HashMap<>(now.tags());
        tags.put(PRIOR_TAG, prior.toString());
        tags.put(KEY_TAG, idempotencyKey.length() <= TAG_VALUE_LIMIT ? idempotencyKey
                : idempotencyKey.substring(0, TAG_VALUE_LIMIT));
        kind.write(id, now, kind.isolated(), tags);
        return new Applied(changed(id, kind.isolated()), prior, false, Optional.empty());
    }

    @Override
    public Verification verify(Action action, Applied applied) throws ConnectorException {
        ArmId id = resource(action);
        Kind kind = kind(id);
        Snapshot now = kind.read(id);
        boolean ok = matches(now.values(), kind.isolated(), kind.defaults());
        return new Verification(ok, now.values(), id.name() + (ok ? " is isolated" : " is not isolated: " + now.values()));
    }

    @Override
    public Reverted revert(Action action, Applied applied) throws ConnectorException {
        ArmId id = resource(action);
        Kind kind = kind(id);
        ObjectNode restore = effective(applied.prior(), kind.defaults());
        Snapshot now = kind.read(id);
        if (!now.tags().containsKey(PRIOR_TAG) && matches(now.values(), restore, kind.defaults())) {
            return new Reverted(restore, true);
        }
        Map<String, String> tags = new HashMap<>(now.tags());
        tags.remove(PRIOR_TAG);
        tags.remove(KEY_TAG);
        kind.write(id, now, restore, tags);
        return new Reverted(restore, false);
    }

    @Override
    public Verification verifyReverted(Action action, Applied applied) throws ConnectorException {
        ArmId id = resource(action);
        Kind kind = kind(id);
        Snapshot now = kind.read(id);
        ObjectNode restore = effective(applied.prior(), kind.defaults());
        boolean ok = matches(now.values(), restore, kind.defaults()) && !now.tags().containsKey(PRIOR_TAG);
        return new Verification(ok, now.values(), id.name() + (ok ? " has its prior settings back"
                : " differs from its prior settings " + restore + ": " + now.values()));
    }

    private static ArmId resource(Action action) throws ConnectorException {
        ArmId id = ArmId.parse(action.require("resource"));
        if (!id.scope().equals("resource")) {
            throw ConnectorException.invalid("isolate-resource needs a resource id, not a " + id.scope() + ": "
                    + id.id());
        }
        if (!id.isType("Microsoft.Storage/storageAccounts") && !id.isType("Microsoft.CognitiveServices/accounts")) {
            throw ConnectorException.invalid("isolate-resource supports storage accounts and Cognitive Services "
                    + "accounts, not " + id.fullType().orElse("?") + ": " + id.id());
        }
        return id;
    }

    private Kind kind(ArmId id) {
        return id.isType("Microsoft.Storage/storageAccounts") ? new StorageKind(arm) : new CognitiveKind(arm);
    }

    /** Whether every field of {@code wanted} has that value in {@code actual}, unset fields taken at their defaults. */
    private static boolean matches(ObjectNode actual, ObjectNode wanted, ObjectNode defaults) {
        ObjectNode a = effective(actual, defaults);
        for (Iterator<Map.Entry<String, JsonNode>> it = wanted.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().equals(a.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static ObjectNode effective(ObjectNode values, ObjectNode defaults) {
        ObjectNode out = defaults.deepCopy();
        values.fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                out.set(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    private static ObjectNode changed(ArmId id, ObjectNode values) {
        ObjectNode o = values.deepCopy();
        o.put("resource", id.id());
        return o;
    }

    private static ObjectNode parse(String tag) throws ConnectorException {
        try {
            JsonNode n = Json.MAPPER.readTree(tag);
            if (n instanceof ObjectNode o) {
                return o;
            }
        } catch (JsonProcessingException e) {
            // falls through: a damaged tag is reported below
        }
        throw new ConnectorException(ConnectorException.Kind.FINAL, "DamagedPriorTag", 0,
                "the " + PRIOR_TAG + " tag is not the JSON Writ wrote: " + tag, null, null);
    }

    private static Map<String, String> tags(Map<String, String> tags) {
        return tags == null ? Map.of() : tags;
    }

    private record StorageKind(ArmClients arm) implements Kind {
        @Override
        public Snapshot read(ArmId id) {
            StorageAccountInner s = arm.forSubscription(id.subscriptionId()).storageAccounts()
                    .getByResourceGroup(id.resourceGroup(), id.name());
            NetworkRuleSet acls = s.networkRuleSet();
            return new Snapshot(Json.object(
                    "publicNetworkAccess", s.publicNetworkAccess() == null ? null : s.publicNetworkAccess().toString(),
                    "allowSharedKeyAccess", s.allowSharedKeyAccess(),
                    "networkAclsDefaultAction", acls == null || acls.defaultAction() == null ? null
                            : acls.defaultAction().toString()), tags(s.tags()), s);
        }

        @Override
        public void write(ArmId id, Snapshot current, ObjectNode values, Map<String, String> tags) {
            NetworkRuleSet acls = ((StorageAccountInner) current.raw()).networkRuleSet();
            // networkAcls is replaced whole by a PATCH: the account's own rules go back with the new default action.
            NetworkRuleSet updated = (acls == null ? new NetworkRuleSet() : acls)
                    .withDefaultAction(DefaultAction.fromString(values.get("networkAclsDefaultAction").asText()));
            arm.forSubscription(id.subscriptionId()).storageAccounts().update(id.resourceGroup(), id.name(),
                    new StorageAccountUpdateParameters()
                            .withPublicNetworkAccess(PublicNetworkAccess.fromString(
                                    values.get("publicNetworkAccess").asText()))
                            .withAllowSharedKeyAccess(values.get("allowSharedKeyAccess").asBoolean())
                            .withNetworkRuleSet(updated)
                            .withTags(tags));
        }

        @Override
        public ObjectNode isolated() {
            return Json.object("publicNetworkAccess", "Disabled", "allowSharedKeyAccess", false,
                    "networkAclsDefaultAction", "Deny");
        }

        @Override
        public ObjectNode defaults() {
            return Json.object("publicNetworkAccess", "Enabled", "allowSharedKeyAccess", true,
                    "networkAclsDefaultAction", "Allow");
        }
    }

    private record CognitiveKind(ArmClients arm) implements Kind {
        @Override
        public Snapshot read(ArmId id) {
            AccountInner a = arm.forSubscription(id.subscriptionId()).cognitiveAccounts()
                    .getByResourceGroup(id.resourceGroup(), id.name());
            AccountProperties p = a.properties();
            return new Snapshot(Json.object(
                    "publicNetworkAccess", p == null || p.publicNetworkAccess() == null ? null
                            : p.publicNetworkAccess().toString(),
                    "disableLocalAuth", p == null ? null : p.disableLocalAuth()), tags(a.tags()), a);
        }

        @Override
        public void write(ArmId id, Snapshot current, ObjectNode values, Map<String, String> tags) {
            arm.forSubscription(id.subscriptionId()).cognitiveAccounts().update(id.resourceGroup(), id.name(),
                    new AccountInner().withTags(tags).withProperties(new AccountProperties()
                            .withPublicNetworkAccess(com.azure.resourcemanager.cognitiveservices.models
                                    .PublicNetworkAccess.fromString(values.get("publicNetworkAccess").asText()))
                            .withDisableLocalAuth(values.get("disableLocalAuth").asBoolean())));
        }

        @Override
        public ObjectNode isolated() {
            return Json.object("publicNetworkAccess", "Disabled", "disableLocalAuth", true);
        }

        @Override
        public ObjectNode defaults() {
            return Json.object("publicNetworkAccess", "Enabled", "disableLocalAuth", false);
        }
    }
}

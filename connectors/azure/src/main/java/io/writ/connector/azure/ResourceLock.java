package io.writ.connector.azure;

import com.azure.core.util.Context;
import com.azure.resourcemanager.resources.fluent.ManagementLocksClient;
import com.azure.resourcemanager.resources.fluent.models.ManagementLockObjectInner;
import com.azure.resourcemanager.resources.models.LockLevel;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.writ.connector.Action;
import io.writ.connector.Applied;
import io.writ.connector.ConnectorException;
import io.writ.connector.Preview;
import io.writ.connector.Reverted;
import io.writ.connector.TargetDescription;
import io.writ.connector.Verification;


import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code lock-resource}: a ReadOnly management lock on a subscription, resource group or resource, named from the
 * idempotency key ({@link ArmAction#nameFor}) with the key in its notes. Nobody, the owner included, can change or
 * delete what it covers until revert removes the lock.
 */
final class ResourceLock implements ArmAction {
    private final ArmClients arm;

    ResourceLock(ArmClients arm) {
        this.arm = arm;
    }

    @Override
    public TargetDescription describe(Action action) throws ConnectorException {
        ArmId scope = ArmId.scopeOf(action);
        return new TargetDescription(AzureConnector.NAME, scope.scope(), scope.id(),
                Json.object("lockLevel", LockLevel.READ_ONLY.toString(), "resourceType", scope.fullType().orElse(null)));
    }

    @Override
    public Preview preview(Action action) throws ConnectorException {
        ArmId scope = ArmId.scopeOf(action);
        List<ObjectNode> locks = new ArrayList<>();
        for (ManagementLockObjectInner l : locks(scope).list()) {
            locks.add(Json.object("name", l.name(), "level", String.valueOf(l.level())));
        }
        List<ObjectNode> intended = new ArrayList<>(locks);
        intended.add(Json.object("name", "writ-…", "level", LockLevel.READ_ONLY.toString()));
        return new Preview(describe(action), Json.object("locks", locks), Json.object("locks", intended),
                "put a ReadOnly lock on " + scope.id() + " (" + locks.size() + " lock(s) there now)");
    }

    @Override
    public Applied apply(Action action, String idempotencyKey) throws ConnectorException {
        ArmId scope = ArmId.scopeOf(action);
        String name = ArmAction.nameFor(idempotencyKey);
        Optional<ManagementLockObjectInner> existing = find(scope, name);
        if (existing.isPresent()) {
            return new Applied(changed(existing.get(), name), Json.object("lock", null), true, Optional.empty());
        }
        ManagementLockObjectInner created = locks(scope).put(name,
                new ManagementLockObjectInner().withLevel(LockLevel.READ_ONLY)
                        .withNotes("Writ enforcement " + idempotencyKey + ": locked under the acceptable-use policy"));
        return new Applied(changed(created, name), Json.object("lock", null), false, Optional.empty());
    }

    @Override
    public Verification verify(Action action, Applied applied) throws ConnectorException {
        ArmId scope = ArmId.scopeOf(action);
        String name = ArmAction.createdName(action, applied);
        Optional<ManagementLockObjectInner> lock = find(scope, name);
        boolean ok = lock.map(l -> LockLevel.READ_ONLY.equals(l.level())).orElse(false);
        return new Verification(ok, lock.map(l -> changed(l, name)).orElse(Json.object("lock", null)),
                "lock " + name + " on " + scope.id() + (ok ? " is ReadOnly" : lock.isPresent() ? " is not ReadOnly"
                        : " is missing"));
    }

    @Override
    public Reverted revert(Action action, Applied applied) throws ConnectorException {
        ArmId scope = ArmId.scopeOf(action);
        String name = ArmAction.createdName(action, applied);
        if (find(scope, name).isEmpty()) {
            return new Reverted(Json.object("lock", null), true);
        }
        locks(scope).delete(name);
        return new Reverted(Json.object("lock", null, "deleted", name), false);
    }

    @Override
    public Verification verifyReverted(Action action, Applied applied) throws ConnectorException {
        ArmId scope = ArmId.scopeOf(action);
        String name = ArmAction.createdName(action, applied);
        boolean gone = find(scope, name).isEmpty();
        return new Verification(gone, Json.object("lock", gone ? null : name),
                "lock " + name + " on " + scope.id() + (gone ? " is gone" : " still exists"));
    }

    /**
     * The lock operations for one kind of scope. Not the SDK's {@code …ByScope} ones: they escape the slashes of the
     * scope, which ARM does not route.
     */
    private record Locks(ManagementLocksClient client, ArmId scope) {
        ManagementLockObjectInner get(String name) {
            return switch (scope.scope()) {
                case "subscription" -> client.getAtSubscriptionLevel(name);
                case "resource-group" -> client.getByResourceGroup(scope.resourceGroup(), name);
                default -> {
                    String[] r = resourcePath();
                    yield client.getAtResourceLevel(scope.resourceGroup(), scope.namespace(), r[0], r[1], r[2], name);
                }
            };
        }

        ManagementLockObjectInner put(String name, ManagementLockObjectInner lock) {
            return switch (scope.scope()) {
                case "subscription" -> client.createOrUpdateAtSubscriptionLevel(name, lock);
                case "resource-group" -> client.createOrUpdateAtResourceGroupLevel(scope.resourceGroup(), name, lock);
                default -> {
                    String[] r = resourcePath();
                    yield client.createOrUpdateAtResourceLevel(scope.resourceGroup(), scope.namespace(), r[0], r[1],
                            r[2], name, lock);
                }
            };
        }

        void delete(String name) {
            switch (scope.scope()) {
                case "subscription" -> client.deleteAtSubscriptionLevel(name);
                case "resource-group" -> client.delete(scope.resourceGroup(), name);
                default -> {
                    String[] r = resourcePath();
                    client.deleteAtResourceLevel(scope.resourceGroup(), scope.namespace(), r[0], r[1], r[2], name);
                }
            }
        }

        Iterable<ManagementLockObjectInner> list() {
            return switch (scope.scope()) {
                case "subscription" -> client.list("atScope()", Context.NONE);
                case "resource-group" -> client.listByResourceGroup(scope.resourceGroup());
                default -> {
                    String[] r = resourcePath();
                    yield client.listAtResourceLevel(scope.resourceGroup(), scope.namespace(), r[0], r[1], r[2]);
                }
            };
        }

        /**
         * Parent path, type and name, as ARM's resource-level lock URLs split them. A top-level resource has an empty
         * parent path, which the SDK sends as {@code providers/Microsoft.Storage//storageAccounts/…}, as the Azure CLI
         * does.
         */
        private String[] resourcePath() {
            String marker = "/providers/" + scope.namespace() + "/";
            String[] p = scope.id().substring(scope.id().indexOf(marker) + marker.length()).split("/");
            return new String[] {String.join("/", Arrays.copyOfRange(p, 0, p.length - 2)), p[p.length - 2],
                    p[p.length - 1]};
        }
    }

    private Locks locks(ArmId scope) {
        return new Locks(arm.forSubscription(scope.subscriptionId()).locks(), scope);
    }

    private Optional<ManagementLockObjectInner> find(ArmId scope, String name) {
        return ArmErrors.ifExists(() -> locks(scope).get(name));
    }

    /** The name Writ chose, not the response's: it is what later steps look the lock up by. */
    private static ObjectNode changed(ManagementLockObjectInner l, String name) {
        return Json.object("lock", l.id(), "name", name, "level", String.valueOf(l.level()));
    }
}

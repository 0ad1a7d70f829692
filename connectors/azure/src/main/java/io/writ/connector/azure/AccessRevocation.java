package io.writ.connector.azure;

import com.azure.resourcemanager.authorization.fluent.RoleAssignmentsClient;
import com.azure.resourcemanager.authorization.fluent.models.RoleAssignmentInner;
import com.azure.resourcemanager.authorization.models.PrincipalType;
import com.azure.resourcemanager.authorization.models.RoleAssignmentCreateParameters;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.writ.connector.Action;
import io.writ.connector.Applied;
import io.writ.connector.ConnectorException;
import io.writ.connector.Preview;
import io.writ.connector.Reverted;
import io.writ.connector.TargetDescription;
import io.writ.connector.Verification;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code revoke-access}: deletes the named role assignments, recording each one's whole definition (principal, role
 * definition, scope, principal type, condition) in {@link Applied#prior()}; revert re-creates them under the same
 * names. An assignment that an earlier, interrupted attempt already deleted cannot be read back: the engine's
 * {@link io.writ.connector.Preview#current()} of the plan holds its definition.
 */
final class AccessRevocation implements ArmAction {
    private static final String ROLE_ASSIGNMENTS = "/providers/Microsoft.Authorization/roleAssignments/";
    private static final Pattern NAME = Pattern.compile("[0-9a-fA-F-]{36}");

    private final ArmClients arm;

    AccessRevocation(ArmClients arm) {
        this.arm = arm;
    }

    private record Target(ArmId scope, List<String> assignmentIds) {
    }

    @Override
    public TargetDescription describe(Action action) throws ConnectorException {
        Target t = target(action);
        return new TargetDescription(AzureConnector.NAME, t.scope().scope(), t.scope().id(),
                Json.object("roleAssignments", t.assignmentIds()));
    }

    @Override
    public Preview preview(Action action) throws ConnectorException {
        Target t = target(action);
        List<ObjectNode> current = new ArrayList<>();
        for (String id : t.assignmentIds()) {
            find(t, id).ifPresent(a -> current.add(definition(a)));
        }
        return new Preview(describe(action), Json.object("roleAssignments", current),
                Json.object("roleAssignments", List.of()),
                "delete " + current.size() + " of " + t.assignmentIds().size() + " role assignment(s) at "
                        + t.scope().id());
    }

    @Override
    public Applied apply(Action action, String idempotencyKey) throws ConnectorException {
        return apply(action, idempotencyKey, null);
    }

    /**
     * An assignment already gone may have been deleted by an earlier attempt that died before it returned; its
     * definition then comes from {@code before} (the preview read before the first attempt), so that revert
     * re-creates it too.
     */
    @Override
    public Applied apply(Action action, String idempotencyKey, ObjectNode before) throws ConnectorException {
        Target t = target(action);
        List<ObjectNode> prior = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (String id : t.assignmentIds()) {
            Optional<RoleAssignmentInner> a = find(t, id);
            if (a.isEmpty()) {
                Optional<ObjectNode> earlier = definitionIn(before, id);
                if (earlier.isPresent()) {
                    prior.add(earlier.get());
                } else {
                    absent.add(id);
                }
                continue;
            }
            // The definition is recorded before the delete so that no deleted assignment goes unrecorded.
            prior.add(definition(a.get()));
            roles(t).deleteById(sdkId(id));
            deleted.add(id);
        }
        return new Applied(Json.object("deleted", deleted, "alreadyAbsent", absent),
                Json.object("roleAssignments", prior), deleted.isEmpty(), Optional.empty());
    }

    @Override
    public Verification verify(Action action, Applied applied) throws ConnectorException {
        Target t = target(action);
        List<String> remaining = new ArrayList<>();
        for (String id : t.assignmentIds()) {
            if (find(t, id).isPresent()) {
                remaining.add(id);
            }
        }
        return new Verification(remaining.isEmpty(), Json.object("remaining", remaining),
                remaining.isEmpty() ? "none of the " + t.assignmentIds().size() + " role assignment(s) exists"
                        : remaining.size() + " role assignment(s) still exist");
    }

    @Override
    public Reverted revert(Action action, Applied applied) throws ConnectorException {
        Target t = target(action);
        List<ObjectNode> restored = new ArrayList<>();
        boolean nothingToDo = true;
        for (JsonNode def : priorDefinitions(applied)) {
            String id = Json.text(def, "id");
            if (find(t, id).isEmpty()) {
                RoleAssignmentCreateParameters p = new RoleAssignmentCreateParameters()
                        .withPrincipalId(Json.text(def, "principalId"))
                        .withRoleDefinitionId(Json.text(def, "roleDefinitionId"))
                        .withDescription(Json.text(def, "description"))
                        .withCondition(Json.text(def, "condition"))
                        .withConditionVersion(Json.text(def, "conditionVersion"))
                        .withDelegatedManagedIdentityResourceId(Json.text(def, "delegatedManagedIdentityResourceId"));
                String type = Json.text(def, "principalType");
                if (type != null) {
                    p.withPrincipalType(PrincipalType.fromString(type));
                }
                roles(t).createById(sdkId(id), p);
                nothingToDo = false;
            }
            restored.add((ObjectNode) def);
        }
        return new Reverted(Json.object("roleAssignments", restored), nothingToDo);
    }

    @Override
    public Verification verifyReverted(Action action, Applied applied) throws ConnectorException {
        Target t = target(action);
        List<String> wrong = new ArrayList<>();
        List<ObjectNode> observed = new ArrayList<>();
        for (JsonNode def : priorDefinitions(applied)) {
            Optional<RoleAssignmentInner> a = find(t, Json.text(def, "id"));
            a.ifPresent(x -> observed.add(definition(x)));
            boolean same = a.map(x -> Objects.equals(x.principalId(), Json.text(def, "principalId"))
                    && String.valueOf(x.roleDefinitionId()).equalsIgnoreCase(Json.text(def, "roleDefinitionId")))
                    .orElse(false);
            if (!same) {
                wrong.add(Json.text(def, "id"));
            }
        }
        return new Verification(wrong.isEmpty(), Json.object("roleAssignments", observed), wrong.isEmpty()
                ? "all " + observed.size() + " role assignment(s) are back"
                : "not restored: " + String.join(", ", wrong));
    }

    private static Target target(Action action) throws ConnectorException {
        ArmId scope = ArmId.scopeOf(action);
        JsonNode list = action.spec().get("assignments");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw ConnectorException.invalid("revoke-access needs \"assignments\": a list of role assignment names "
                    + "or ids: " + action.spec());
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode n : list) {
            String v = n.isTextual() ? n.asText().strip() : "";
            int at = v.toLowerCase(Locale.ROOT).lastIndexOf(ROLE_ASSIGNMENTS.toLowerCase(Locale.ROOT));
            String name = at < 0 ? v : v.substring(at + ROLE_ASSIGNMENTS.length());
            if (!NAME.matcher(name).matches()) {
                throw ConnectorException.invalid("revoke-access: not a role assignment name or id: " + n);
            }
            ArmId owner = at < 0 ? scope : ArmId.parse(v.substring(0, at));
            if (!owner.subscriptionId().equals(scope.subscriptionId())) {
                throw ConnectorException.invalid("revoke-access: role assignment " + v + " is outside " + scope.id());
            }
            ids.add(owner.id() + ROLE_ASSIGNMENTS + name.toLowerCase(Locale.ROOT));
        }
        return new Target(scope, List.copyOf(ids));
    }

    /** The definition of this assignment in a preview's {@code current} state, if it lists it. */
    private static Optional<ObjectNode> definitionIn(ObjectNode before, String id) {
        if (before == null || !(before.get("roleAssignments") instanceof ArrayNode list)) {
            return Optional.empty();
        }
        for (JsonNode def : list) {
            if (def instanceof ObjectNode o && sameAssignment(Json.text(o, "id"), id)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /** ARM ids compare without regard to case. */
    private static boolean sameAssignment(String a, String b) {
        return a != null && a.equalsIgnoreCase(b);
    }

    private static List<JsonNode> priorDefinitions(Applied applied) throws ConnectorException {
        JsonNode list = applied.prior() == null ? null : applied.prior().get("roleAssignments");
        if (list == null || !list.isArray()) {
            throw ConnectorException.invalid("revoke-access: the applied record has no prior role assignments");
        }
        List<JsonNode> defs = new ArrayList<>();
        list.forEach(defs::add);
        return defs;
    }

    private RoleAssignmentsClient roles(Target t) {
        return arm.forSubscription(t.scope().subscriptionId()).roleAssignments();
    }

    private Optional<RoleAssignmentInner> find(Target t, String id) {
        return ArmErrors.ifExists(() -> roles(t).getById(sdkId(id)));
    }

    /** The SDK's by-id operations put the {@code /} before the id themselves. */
    private static String sdkId(String id) {
        return id.substring(1);
    }

    private static ObjectNode definition(RoleAssignmentInner a) {
        return Json.object("id", a.id(), "name", a.name(), "scope", a.scope(), "principalId", a.principalId(),
                "principalType", a.principalType() == null ? null : a.principalType().toString(),
                "roleDefinitionId", a.roleDefinitionId(), "description", a.description(),
                "condition", a.condition(), "conditionVersion", a.conditionVersion(),
                "delegatedManagedIdentityResourceId", a.delegatedManagedIdentityResourceId());
    }
}

package io.writ.connector.azure;

import com.azure.core.util.Context;
import com.azure.resourcemanager.resources.fluent.PolicyAssignmentsClient;
import com.azure.resourcemanager.resources.fluent.models.PolicyAssignmentInner;
import com.azure.resourcemanager.resources.models.EnforcementMode;
import com.azure.resourcemanager.resources.models.NonComplianceMessage;
import com.azure.resourcemanager.resources.models.ParameterValuesValue;
import io.writ.connector.Action;
import io.writ.connector.Applied;
import io.writ.connector.ConnectorException;
import io.writ.connector.Preview;
import io.writ.connector.Reverted;
import io.writ.connector.TargetDescription;
import io.writ.connector.Verification;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code deny-service}: an Azure Policy assignment, at subscription scope, of the built-in "Not allowed resource
 * types" definition for the resource types that offer the service. The assignment is named from the idempotency key
 * ({@link ArmAction#nameFor}) and carries the key in its metadata and description, so a repeat finds it; revert
 * deletes it. Policy denies new and updated resources of those types; existing ones are reported non-compliant.
 */
final class ServiceDenial implements ArmAction {
    /** Azure's built-in "Not allowed resource types" policy definition. */
    static final String NOT_ALLOWED_RESOURCE_TYPES =
            "/providers/Microsoft.Authorization/policyDefinitions/6c112d4e-5bc7-47ae-a041-ea2d9dccd749";
    static final String PARAMETER = "listOfResourceTypesNotAllowed";
    static final String KEY_METADATA = "writIdempotencyKey";

    private final ArmClients arm;
    private final Map<String, List<String>> serviceTypes;

    ServiceDenial(ArmClients arm, Map<String, List<String>> serviceTypes) {
        this.arm = arm;
        this.serviceTypes = serviceTypes;
    }

    private record Target(ArmId subscription, String service, List<String> types) {
        /** The SDK puts the {@code /} before the scope itself. */
        String scope() {
            return subscription.id().substring(1);
        }
    }

    @Override
    public TargetDescription describe(Action action) throws ConnectorException {
        Target t = target(action);
        return new TargetDescription(AzureConnector.NAME, "subscription", t.subscription().id(), Json.object(
                "service", t.service(), "resourceTypes", t.types(), "policyDefinitionId", NOT_ALLOWED_RESOURCE_TYPES));
    }

    @Override
    public Preview preview(Action action) throws ConnectorException {
        Target t = target(action);
        TreeSet<String> denied = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        List<String> assignments = new ArrayList<>();
        // The SDK puts $filter into the URL as given: it must arrive encoded.
        String filter = URLEncoder.encode("policyDefinitionId eq '" + NOT_ALLOWED_RESOURCE_TYPES + "'",
                StandardCharsets.UTF_8).replace("+", "%20");
        for (PolicyAssignmentInner a : policies(t).list(filter, null, null, Context.NONE)) {
            assignments.add(a.name());
            denied.addAll(types(a));
        }
        TreeSet<String> intended = new TreeSet<>(denied);
        intended.addAll(t.types());
        return new Preview(describe(action),
                Json.object("notAllowedResourceTypes", denied, "assignments", assignments),
                Json.object("notAllowedResourceTypes", intended),
                "deny " + t.service() + " (" + String.join(", ", t.types()) + ") in subscription "
                        + t.subscription().subscriptionId() + " with a \"Not allowed resource types\" policy assignment");
    }

    @Override
    public Applied apply(Action action, String idempotencyKey) throws ConnectorException {
        Target t = target(action);
        String name = ArmAction.nameFor(idempotencyKey);
        Optional<PolicyAssignmentInner> existing = find(t, name);
        if (existing.isPresent()) {
            PolicyAssignmentInner a = existing.get();
            if (!NOT_ALLOWED_RESOURCE_TYPES.equalsIgnoreCase(a.policyDefinitionId())) {
                throw new ConnectorException(ConnectorException.Kind.FINAL, "NameConflict", 409,
                        "policy assignment " + a.id() + " exists but assigns " + a.policyDefinitionId(), null, null);
            }
            return new Applied(changed(a, name), Json.object("assignment", null), true, Optional.empty());
        }
        String why = "Writ enforcement " + idempotencyKey + ": new " + t.service()
                + " resources are not allowed in this subscription under the acceptable-use policy.";
        PolicyAssignmentInner created = policies(t).create(t.scope(), name, new PolicyAssignmentInner()
                .withDisplayName("Writ: deny " + t.service())
                .withDescription(why)
                .withPolicyDefinitionId(NOT_ALLOWED_RESOURCE_TYPES)
                .withParameters(Map.of(PARAMETER, new ParameterValuesValue().withValue(t.types())))
                .withEnforcementMode(EnforcementMode.DEFAULT)
                .withMetadata(Map.of(KEY_METADATA, idempotencyKey, "service", t.service()))
                .withNonComplianceMessages(List.of(new NonComplianceMessage().withMessage(why))));
        return new Applied(changed(created, name), Json.object("assignment", null), false, Optional.empty());
    }

    @Override
    public Verification verify(Action action, Applied applied) throws ConnectorException {
        Target t = target(action);
        String name = ArmAction.createdName(action, applied);
        Optional<PolicyAssignmentInner> a = find(t, name);
        if (a.isEmpty()) {
            return new Verification(false, Json.object("assignment", null), "policy assignment " + name + " is missing");
        }
        Collection<String> denied = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        denied.addAll(types(a.get()));
        boolean ok = NOT_ALLOWED_RESOURCE_TYPES.equalsIgnoreCase(a.get().policyDefinitionId())
                && !EnforcementMode.DO_NOT_ENFORCE.equals(a.get().enforcementMode())
                && denied.containsAll(t.types());
        return new Verification(ok, changed(a.get(), name), "policy assignment " + name
                + (ok ? " denies " : " does not deny all of ") + String.join(", ", t.types()));
    }

    @Override
    public Reverted revert(Action action, Applied applied) throws ConnectorException {
        Target t = target(action);
        String name = ArmAction.createdName(action, applied);
        // ARM answers a delete of a missing assignment with 204 and no body: nothing was left to undo.
        PolicyAssignmentInner deleted = policies(t).delete(t.scope(), name);
        return new Reverted(Json.object("assignment", null, "deleted", name), deleted == null);
    }

    @Override
    public Verification verifyReverted(Action action, Applied applied) throws ConnectorException {
        Target t = target(action);
        String name = ArmAction.createdName(action, applied);
        boolean gone = find(t, name).isEmpty();
        return new Verification(gone, Json.object("assignment", gone ? null : name),
                "policy assignment " + name + (gone ? " is gone" : " still exists"));
    }

    private Target target(Action action) throws ConnectorException {
        ArmId subscription = ArmId.subscriptionOf(action);
        String service = action.require("service");
        List<String> types = serviceTypes.get(service);
        if (types == null) {
            throw ConnectorException.invalid("deny-service: no resource types known for service '" + service
                    + "' (known: " + new TreeSet<>(serviceTypes.keySet()) + "; add services." + service + ")");
        }
        return new Target(subscription, service, types);
    }

    private PolicyAssignmentsClient policies(Target t) {
        return arm.forSubscription(t.subscription().subscriptionId()).policyAssignments();
    }

    private Optional<PolicyAssignmentInner> find(Target t, String name) {
        return ArmErrors.ifExists(() -> policies(t).get(t.scope(), name));
    }

    private static List<String> types(PolicyAssignmentInner a) {
        ParameterValuesValue v = a.parameters() == null ? null : a.parameters().get(PARAMETER);
        if (v == null || !(v.value() instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().map(String::valueOf).toList();
    }

    /** The name Writ chose, not the response's: it is what later steps look the assignment up by. */
    private static com.fasterxml.jackson.databind.node.ObjectNode changed(PolicyAssignmentInner a, String name) {
        return Json.object("assignment", a.id(), "name", name, "policyDefinitionId", a.policyDefinitionId(),
                "notAllowedResourceTypes", types(a),
                "enforcementMode", a.enforcementMode() == null ? null : a.enforcementMode().toString());
    }
}

package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.writ.connector.Action;
import io.writ.connector.ActionKind;
import io.writ.connector.Applied;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One action of a frozen plan: its outbox row.
 *
 * @param connector    the connector it is routed to; null when none configured supports it ({@code routeNote} says why)
 * @param nextStep     the connector call due next; null when nothing is due
 * @param applied      what {@link io.writ.connector.Connector#apply} returned, stored before the plan moved on
 * @param released     whether an admin released it past the blast-radius cap
 */
public record PlanAction(String caseId, int index, String kind, ObjectNode spec, @Nullable String connector,
                         @Nullable String routeNote, StepStatus status, @Nullable Step nextStep, int attempts,
                         @Nullable Instant nextAttemptAt, @Nullable String errorCode, @Nullable String errorMessage,
                         @Nullable Instant startedAt, @Nullable ObjectNode applied, @Nullable Instant appliedAt,
                         @Nullable ObjectNode verification, @Nullable Instant verifiedAt,
                         @Nullable Instant irreversibleAfter, @Nullable Instant deadlineWarnedAt,
                         @Nullable String releasedBy, @Nullable String releaseReason, @Nullable ObjectNode dryRun,
                         @Nullable ObjectNode reverted, @Nullable Instant restoredAt, Instant updatedAt) {

    /**
     * The rows of a case's actions, routed: pending; unsupported when no configured connector takes the action;
     * verified at once for {@code notify}, which the notice issued with the plan carries out.
     */
    static List<PlanAction> routed(ConnectorRegistry registry, String caseId, String tenantId, JsonNode actions, Instant now) {
        List<PlanAction> out = new ArrayList<>();
        for (JsonNode spec : actions) {
            Action action = Action.of((ObjectNode) spec);
            ConnectorRegistry.Route route = registry.route(tenantId, action);
            StepStatus status = route.byNotice() ? StepStatus.VERIFIED
                    : route.connector() == null ? StepStatus.UNSUPPORTED : StepStatus.PENDING;
            out.add(new PlanAction(caseId, out.size(), action.kind().wire(), action.spec(), route.connector(), route.note(),
                    status, route.byNotice() ? null : Step.APPLY, 0, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, now));
        }
        return out;
    }

    /** The action as connectors take it. */
    public Action action() {
        return Action.of(spec);
    }

    /** The idempotency key of a step: stable across restarts, distinct per case, action and step. */
    public String key(Step step) {
        return caseId + ":" + index + ":" + (step.reverting() ? "revert" : "apply");
    }

    /** Whether this is a {@code notify} action, carried out by the notice rather than by a connector. */
    boolean byNotice() {
        return ActionKind.NOTIFY.wire().equals(kind);
    }

    boolean disablesSubscription() {
        return ActionKind.DISABLE_SUBSCRIPTION.wire().equals(kind);
    }

    /** The stored {@link Applied}, as the connector returned it. */
    Optional<Applied> appliedResult() {
        return Optional.ofNullable(applied).map(PlanJson::applied);
    }
}

package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The enforcement plan of one approved case, frozen at approval: its actions as approved, the notice sent and when
 * execution may start.
 *
 * @param noticePeriod zero when the case's rule allows no notice
 * @param startedBy    who started execution: an approver (with {@code startReason}) or the service at the end of the
 *                     notice period
 */
public record Plan(String caseId, String tenantId, String rule, int round, String clause, JsonNode scope,
                   PlanPhase phase, String approvedBy, ObjectNode notice, Duration noticePeriod, Instant executeAfter,
                   @Nullable Instant startedAt, @Nullable String startedBy, @Nullable String startReason,
                   Instant createdAt, List<PlanAction> actions) {

    /** Whether every action is applied and verified. */
    boolean allVerified() {
        return actions.stream().allMatch(a -> a.status() == StepStatus.VERIFIED);
    }

    /** Whether every action is reverted and the revert verified. */
    boolean allRestored() {
        return actions.stream().allMatch(a -> a.status() == StepStatus.RESTORED);
    }
}

package io.writ.engine.cases;

import io.micronaut.core.annotation.Nullable;
import io.writ.rego.value.Value;

import java.time.Instant;

/**
 * One case as its row holds it, without the lists (evidence, approvals, history) that live beside it.
 *
 * @param tenantSegment the tenant's segment when the decision or a {@link TenantSegments} bean named it
 * @param twoApprovers  whether an approved proposal needs two distinct approvers (see {@link #needsTwoApprovers()})
 * @param scope         the newest evidence's scope (DESIGN §5), e.g. {@code {"subscriptions": ["sub-a"]}}
 * @param proposalRound how many proposals this case has seen; approvals belong to one round
 */
public record CaseRow(String id, String tenantId, @Nullable String tenantSegment, String rule, @Nullable String clause,
                      @Nullable String severity, String verdict, CaseStatus status, @Nullable String assignee,
                      long version, boolean twoApprovers, @Nullable Value scope, int proposalRound,
                      @Nullable Proposal proposal, Instant createdAt, Instant updatedAt) {

    /** What a reviewer proposes: the actions, their scope, the clause broken, why, by whom and when. */
    public record Proposal(Value actions, Value scope, String clause, String reason, String proposer, Instant proposedAt) {
    }

    /**
     * Government and law-enforcement tenants and critical cases need two distinct approvers (DESIGN §7). The
     * severity is checked again here because newer evidence may have raised it after the case was opened.
     */
    public boolean needsTwoApprovers() {
        return twoApprovers || Severity.CRITICAL.equals(severity);
    }

    CaseRow withState(CaseStatus newStatus, @Nullable String newAssignee, int newRound, @Nullable Proposal newProposal,
                      long newVersion, Instant now) {
        return new CaseRow(id, tenantId, tenantSegment, rule, clause, severity, verdict, newStatus, newAssignee,
                newVersion, twoApprovers, scope, newRound, newProposal, createdAt, now);
    }

    CaseRow withEvidence(@Nullable String newSegment, boolean newTwoApprovers, @Nullable String newClause,
                         @Nullable String newSeverity, String newVerdict, @Nullable Value newScope, long newVersion,
                         Instant now) {
        return new CaseRow(id, tenantId, newSegment, rule, newClause, newSeverity, newVerdict, status, assignee,
                newVersion, newTwoApprovers, newScope, proposalRound, proposal, createdAt, now);
    }
}

package io.writ.engine.cases;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.transaction.annotation.ReadOnly;
import io.micronaut.transaction.annotation.Transactional;
import io.writ.engine.audit.AuditLog;
import io.writ.engine.web.Problem;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads cases and moves them through {@link Transition}s, each move in one transaction that checks the version
 * the caller saw (If-Match), the state, the actor's roles and the move's own rules, then writes the case, its
 * approval and its history event together.
 */
@Singleton
public class CaseService {
    /** The action kinds of DESIGN §5. */
    static final Set<String> ACTION_KINDS = Set.of("disable-subscription", "deny-service", "isolate-resource",
            "lock-resource", "revoke-access", "notify");
    static final int MAX_REASON = 4000;

    private final CaseStore store;
    private final AuditLog audit;
    private final List<CaseMoveSink> sinks;

    CaseService(CaseStore store, AuditLog audit, List<CaseMoveSink> sinks) {
        this.store = store;
        this.audit = audit;
        this.sinks = sinks;
    }

    /** Who makes a move: the token's subject and roles. */
    public record Actor(String name, Collection<String> roles) {
        /** The service itself, making the moves the enforcement plan drives. */
        public static final Actor SERVICE = new Actor(CaseSink.SYSTEM_ACTOR, Set.of());

        boolean isAdmin() {
            return roles.contains(Transition.ADMIN);
        }

        boolean isService() {
            return this == SERVICE;
        }
    }

    /** One page of cases and, when more follow, where the next page starts. */
    public record Page(List<CaseRow> cases, @Nullable CaseQuery.Cursor next) {
    }

    @ReadOnly
    public Optional<CaseRecord> find(String id) {
        return store.load(id);
    }

    @ReadOnly
    public Optional<Long> version(String id) {
        return store.find(id).map(CaseRow::version);
    }

    @ReadOnly
    public Page list(CaseQuery query, int limit) {
        List<CaseRow> rows = store.list(query, limit + 1);
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        List<CaseRow> page = rows.subList(0, limit);
        CaseRow last = page.getLast();
        return new Page(List.copyOf(page), new CaseQuery.Cursor(last.createdAt(), last.id()));
    }

    /**
     * Makes one move. The role check is the caller's ({@link Transition#permits}); everything that depends on
     * the case is here. Throws {@link Problem}: 404 no such case, 409 stale version or illegal move or repeated
     * approval, 403 approving one's own proposal or working a case assigned to someone else, 422 bad move data.
     */
    @Transactional
    public CaseRecord transition(String id, Transition t, Actor actor, long expectedVersion, ObjectValue body) {
        if (t.serviceOnly() && !actor.isService()) {
            throw serviceOnly(t);
        }
        try {
            return move(id, t, actor, expectedVersion, body);
        } catch (CaseStore.ConcurrentChange e) {
            throw conflict(id);
        }
    }

    /**
     * A move the service makes by itself (execute at the end of the notice period, complete, restore), on the case
     * as it is now; joins the caller's transaction so that it commits with the plan's own change.
     */
    @Transactional
    public CaseRecord serviceMove(String id, Transition t, String reason) {
        long version = store.find(id).orElseThrow(() -> notFound(id)).version();
        ObjectValue body = reason == null ? ObjectValue.EMPTY
                : ObjectValue.builder().put("reason", StringValue.of(reason)).build();
        return transition(id, t, Actor.SERVICE, version, body);
    }

    static Problem serviceOnly(Transition t) {
        return new Problem(HttpStatus.CONFLICT, "service-transition", t.wire() + " is made by the service itself, when "
                + (t == Transition.COMPLETE ? "every action of the enforcement plan is applied and verified"
                : "every action of the enforcement plan is reverted and verified") + "; see GET /v1/cases/{id}/plan");
    }

    private CaseRecord move(String id, Transition t, Actor actor, long expectedVersion, ObjectValue body) {
        CaseRow c = store.find(id).orElseThrow(() -> notFound(id));
        if (c.version() != expectedVersion) {
            throw new Problem(HttpStatus.CONFLICT, "version-conflict", "case " + id + " is at version " + c.version()
                    + ", not " + expectedVersion + " (If-Match); read it again and retry");
        }
        if (!t.allowedFrom(c.status())) {
            throw illegal(c, t);
        }
        checkFields(body, t);
        String reason = reason(body, t);
        Instant now = CaseStore.now();
        long next = c.version() + 1;
        CaseRow moved;
        CaseRecord.Approval approval = null;
        switch (t) {
            case ASSIGN -> {
                String assignee = optionalText(body, "assignee");
                moved = c.withState(CaseStatus.IN_REVIEW, assignee != null ? assignee : actor.name(), c.proposalRound(),
                        c.proposal(), next, now);
            }
            case DISMISS -> {
                requireAssignee(c, actor, t);
                moved = c.withState(CaseStatus.DISMISSED, c.assignee(), c.proposalRound(), c.proposal(), next, now);
            }
            case PROPOSE -> {
                requireAssignee(c, actor, t);
                CaseRow.Proposal p = proposal(c, body, reason, actor, now);
                moved = c.withState(CaseStatus.PROPOSED, c.assignee(), c.proposalRound() + 1, p, next, now);
            }
            case APPROVE -> {
                CaseRow.Proposal p = c.proposal();
                if (p != null && p.proposer().equals(actor.name())) {
                    throw new Problem(HttpStatus.FORBIDDEN, "own-proposal",
                            "the proposer cannot approve their own proposal; another approver must");
                }
                List<CaseRecord.Approval> approvals = store.approvals(id, c.proposalRound());
                if (approvals.stream().anyMatch(a -> a.approver().equals(actor.name()))) {
                    throw new Problem(HttpStatus.CONFLICT, "already-approved", actor.name()
                            + " has already approved this proposal; it needs a second, distinct approver");
                }
                int needed = c.needsTwoApprovers() ? 2 : 1;
                // the first of two approvals is recorded and the case stays proposed
                CaseStatus to = approvals.size() + 1 >= needed ? CaseStatus.APPROVED : CaseStatus.PROPOSED;
                moved = c.withState(to, c.assignee(), c.proposalRound(), p, next, now);
                approval = new CaseRecord.Approval(actor.name(), reason, now);
            }
            default -> moved = c.withState(t.to(), c.assignee(), c.proposalRound(), c.proposal(), next, now);
        }
        if (!store.update(moved, expectedVersion)) {
            throw conflict(id);
        }
        if (approval != null) {
            store.addApproval(id, moved.proposalRound(), approval);
        }
        var event = new CaseRecord.Event(t.wire(), actor.name(), c.status().wire(), moved.status().wire(), reason, now);
        store.addEvent(id, event);
        audit.append(CaseAudit.kind(t.wire()), CaseAudit.entry(moved, event, approval, null, List.of()));
        for (CaseMoveSink sink : sinks) {
            sink.onMove(c, moved, t, actor, reason, now);
        }
        return store.load(id).orElseThrow();
    }

    /** The 404 problem of a case id that does not exist. */
    public static Problem notFound(String id) {
        return new Problem(HttpStatus.NOT_FOUND, "case-not-found", "no case with id '" + id + "'");
    }

    private static Problem conflict(String id) {
        return new Problem(HttpStatus.CONFLICT, "version-conflict",
                "case " + id + " was changed by someone else at the same time; read it again and retry");
    }

    private static Problem illegal(CaseRow c, Transition t) {
        List<Transition> allowed = Transition.available(c.status());
        String options = allowed.isEmpty() ? "none"
                : allowed.stream().map(Transition::wire).collect(Collectors.joining(", "));
        return new Problem(HttpStatus.CONFLICT, "illegal-transition", "cannot " + t.wire() + " case " + c.id()
                + ": it is " + c.status().wire() + "; allowed from " + c.status().wire() + ": " + options);
    }

    /** Reviewers work the cases assigned to them; admins any case. */
    private static void requireAssignee(CaseRow c, Actor actor, Transition t) {
        if (c.assignee() != null && !c.assignee().equals(actor.name()) && !actor.isAdmin()) {
            throw new Problem(HttpStatus.FORBIDDEN, "not-assignee", "case " + c.id() + " is assigned to "
                    + c.assignee() + "; assign it to yourself before you " + t.wire() + " it");
        }
    }

    /** The fields a move takes; anything else (an "actor", say: the actor is the token's subject) is refused. */
    private static void checkFields(ObjectValue body, Transition t) {
        List<String> known = switch (t) {
            case ASSIGN -> List.of("assignee", "reason");
            case PROPOSE -> List.of("actions", "clause", "reason", "scope");
            default -> List.of("reason");
        };
        for (Value k : body.keys()) {
            String key = ObjectValue.keyText(k);
            if (!known.contains(key)) {
                throw Problem.unprocessable("unknown field '" + key + "' for " + t.wire() + "; it takes "
                        + String.join(", ", known) + (key.equals("actor") ? " (the actor is the token's subject)" : ""));
            }
        }
    }

    private static @Nullable String reason(ObjectValue body, Transition t) {
        String reason = optionalText(body, "reason");
        if (reason == null && t.reasonRequired()) {
            throw Problem.unprocessable("a reason is required to " + t.wire() + " a case: {\"reason\": \"...\"}");
        }
        if (reason != null && reason.length() > MAX_REASON) {
            throw Problem.unprocessable("the reason is longer than " + MAX_REASON + " characters");
        }
        return reason;
    }

    private static CaseRow.Proposal proposal(CaseRow c, ObjectValue body, String reason, Actor actor, Instant now) {
        if (!(body.get("actions") instanceof ArrayValue actions) || actions.size() == 0) {
            throw Problem.unprocessable("a proposal needs \"actions\": a non-empty array of actions like "
                    + "{\"action\": \"disable-subscription\", \"subscription\": \"sub-a\"}");
        }
        for (int i = 0; i < actions.size(); i++) {
            if (!(actions.get(i) instanceof ObjectValue a) || !(a.get("action") instanceof StringValue kind)) {
                throw Problem.unprocessable("actions[" + i + "] must be an object with an \"action\" string");
            }
            if (!ACTION_KINDS.contains(kind.value())) {
                throw Problem.unprocessable("actions[" + i + "].action '" + kind.value() + "' is not one of "
                        + String.join(", ", ACTION_KINDS.stream().sorted().toList()));
            }
        }
        if (!(body.get("scope") instanceof ObjectValue scope) || scope.isEmpty()) {
            throw Problem.unprocessable("a proposal needs \"scope\": an object naming what the actions touch, like "
                    + "{\"subscriptions\": [\"sub-a\"]}");
        }
        // enforcement touches only what was approved: an action on a subscription outside the scope is a mistake
        if (scope.get("subscriptions") instanceof ArrayValue inScope) {
            for (int i = 0; i < actions.size(); i++) {
                if (((ObjectValue) actions.get(i)).get("subscription") instanceof StringValue sub
                        && !inScope.items().contains(sub)) {
                    throw Problem.unprocessable("actions[" + i + "] targets subscription '" + sub.value()
                            + "', which is not in the proposal's scope.subscriptions");
                }
            }
        }
        String clause = optionalText(body, "clause");
        if (body.get("clause") != null && clause == null) {
            throw Problem.unprocessable("\"clause\" must be a non-empty string");
        }
        if (clause == null) {
            clause = c.clause();
        }
        if (clause == null) {
            throw Problem.unprocessable("a proposal needs \"clause\": the AUP clause broken (the case names none)");
        }
        return new CaseRow.Proposal(actions, scope, clause, reason, actor.name(), now);
    }

    /** A string field: absent or blank is null; any other type is a 422. */
    private static @Nullable String optionalText(ObjectValue body, String field) {
        Value v = body.get(field);
        if (v == null || v instanceof io.writ.rego.value.NullValue) {
            return null;
        }
        if (!(v instanceof StringValue s)) {
            throw Problem.unprocessable("\"" + field + "\" must be a string, not " + v.typeName());
        }
        return s.value().isBlank() ? null : s.value().strip();
    }
}

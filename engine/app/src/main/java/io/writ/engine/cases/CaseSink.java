package io.writ.engine.cases;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.annotation.Transactional;
import io.writ.engine.audit.AuditLog;
import io.writ.engine.storage.TimeOrderedIds;
import io.writ.engine.evaluation.DecisionSink;
import io.writ.engine.evaluation.StoredDecision;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Turns decisions into cases. A decision whose verdict is {@code review} or {@code enforce} opens one case per
 * (tenant, rule) for its violations of verdict review or enforce (a violation without its own verdict takes the
 * decision's), or, when a case for that tenant and rule still takes evidence (not dismissed, reinstated or
 * closed), adds the violations to it and brings its verdict, severity, clause and scope up to the newest
 * decision. Evidence is keyed by decision id and violation, so a decision delivered twice adds nothing.
 *
 * <p>Runs in the caller's transaction (the one that stores the decision) and refuses to run without one. The open
 * case is locked while evidence is added; should two transactions try to open the first case of the same tenant
 * and rule at once, the unique index lets one commit and fails the other (ingest evaluates one tenant at a time).
 *
 * <p>The two-approver rule needs the tenant's segment, which a {@link StoredDecision} does not carry (it holds the
 * policy's result, not its input). The sink takes it from the decided dossier when the evaluator hands it over;
 * otherwise, first found first, from: the decision's {@code tenant.segment} or {@code segment} field, should the
 * policy echo it; a {@link TenantSegments} bean, if one exists. Independently,
 * a violation with the {@code state-security-actor} indicator (which the AUP policy sets for government-defense,
 * government-intelligence and law-enforcement tenants) or of critical severity requires two approvers.
 */
@Singleton
public class CaseSink implements DecisionSink {
    /** The actor named in the history for what the service does by itself. */
    public static final String SYSTEM_ACTOR = "writ";
    static final String STATE_SECURITY_INDICATOR = "state-security-actor";
    private static final Logger LOG = LoggerFactory.getLogger(CaseSink.class);

    private final CaseStore store;
    private final @Nullable TenantSegments segments;
    private final AuditLog audit;

    CaseSink(CaseStore store, @Nullable TenantSegments segments, AuditLog audit) {
        this.store = store;
        this.segments = segments;
        this.audit = audit;
    }

    @Override
    @Transactional(propagation = TransactionDefinition.Propagation.MANDATORY)
    public void onDecision(StoredDecision decision) {
        onDecision(decision, null);
    }

    /** With the decided dossier at hand, its {@code tenant.segment} is the one the two-approver rule reads. */
    @Override
    @Transactional(propagation = TransactionDefinition.Propagation.MANDATORY)
    public void onDecision(StoredDecision decision, @Nullable ObjectValue input) {
        if (!(decision.result() instanceof ObjectValue result) || !Severity.needsCase(text(result.get("verdict")))) {
            return;
        }
        String decisionVerdict = text(result.get("verdict"));
        Map<String, List<ObjectValue>> byRule = new LinkedHashMap<>();
        for (Value v : items(result.get("violations"))) {
            if (!(v instanceof ObjectValue violation)) {
                continue;
            }
            String verdict = Optional.ofNullable(text(violation.get("verdict"))).orElse(decisionVerdict);
            String rule = text(violation.get("rule"));
            if (!Severity.needsCase(verdict)) {
                continue;
            }
            if (rule == null) {
                LOG.warn("decision {} has a {} violation without a rule; no case can hold it", decision.decisionId(), verdict);
                continue;
            }
            byRule.computeIfAbsent(rule, r -> new ArrayList<>()).add(violation);
        }
        if (byRule.isEmpty()) {
            return;
        }
        // finding the segment may read the tenant's dossier: only done when a case is opened or changes
        Supplier<String> segment = new Supplier<>() {
            private String found;
            private boolean done;

            @Override
            public String get() {
                if (!done) {
                    found = segmentOf(decision, result, input);
                    done = true;
                }
                return found;
            }
        };
        byRule.forEach((rule, violations) -> record(decision, decisionVerdict, segment, rule, violations));
    }

    private void record(StoredDecision decision, String decisionVerdict, Supplier<String> segmentOf, String rule,
                        List<ObjectValue> violations) {
        String verdict = "allow";
        String severity = null;
        String clause = null;
        boolean stateActor = false;
        List<Value> scopes = new ArrayList<>();
        for (ObjectValue v : violations) {
            verdict = Severity.higherVerdict(verdict, Optional.ofNullable(text(v.get("verdict"))).orElse(decisionVerdict));
            severity = Severity.higherSeverity(severity, text(v.get("severity")));
            clause = clause != null ? clause : text(v.get("clause"));
            stateActor |= items(v.get("indicators")).contains(StringValue.of(STATE_SECURITY_INDICATOR));
            if (v.get("scope") != null) {
                scopes.add(v.get("scope"));
            }
        }
        Value scope = mergeScopes(scopes);
        boolean twoApproversAnyway = stateActor || Severity.CRITICAL.equals(severity);
        var now = CaseStore.now();

        // the usual case: a later decision finds what the open case already holds; one read, nothing written
        if (store.openCaseHoldsAll(decision.tenantId(), rule, violations.stream().map(CaseSink::digest).toList())) {
            return;
        }
        Optional<CaseRow> open = store.findOpenForUpdate(decision.tenantId(), rule);
        CaseRow current;
        CaseRecord.Event event = null;
        if (open.isPresent()) {
            current = open.get();
        } else {
            String segment = segmentOf.get();
            boolean twoApprovers = twoApproversAnyway || securitySegment(segment);
            current = new CaseRow(TimeOrderedIds.next(), decision.tenantId(), segment, rule, clause, severity,
                    verdict, CaseStatus.OPEN, null, 1, twoApprovers, scope, 0, null, now, now);
            store.insert(current);
            event = new CaseRecord.Event("open", SYSTEM_ACTOR, null, CaseStatus.OPEN.wire(),
                    "decision " + decision.decisionId() + " found " + violations.size() + " violation(s) of " + rule, now);
            store.addEvent(current.id(), event);
            LOG.info("case {} opened: tenant {} rule {} decision {}", current.id(), decision.tenantId(), rule, decision.decisionId());
        }
        List<String> added = new ArrayList<>();
        for (ObjectValue v : violations) {
            String vVerdict = Optional.ofNullable(text(v.get("verdict"))).orElse(decisionVerdict);
            var evidence = new CaseRecord.Evidence(decision.decisionId(), decision.dossierVersion(),
                    decision.bundleRevision(), decision.decidedAt(), vVerdict, text(v.get("severity")), v, now);
            if (store.addEvidence(current.id(), evidence, digest(v))) {
                added.add(digest(v));
            }
        }
        if (open.isPresent() && !added.isEmpty()) {
            CaseRow c = open.get();
            String segment = segmentOf.get();
            boolean twoApprovers = twoApproversAnyway || securitySegment(segment);
            current = c.withEvidence(segment != null ? segment : c.tenantSegment(), c.twoApprovers() || twoApprovers,
                    clause != null ? clause : c.clause(), severity, verdict, scope != null ? scope : c.scope(),
                    c.version() + 1, now);
            // the row is locked (FOR UPDATE), so the version cannot have moved since it was read
            store.update(current, c.version());
            event = new CaseRecord.Event("evidence", SYSTEM_ACTOR, c.status().wire(), c.status().wire(),
                    "decision " + decision.decisionId() + " added " + added.size() + " violation(s)", now);
            store.addEvent(c.id(), event);
            LOG.info("case {}: {} violation(s) added by decision {}", c.id(), added.size(), decision.decisionId());
        }
        if (event != null) {
            audit.append(CaseAudit.kind(event.name()), CaseAudit.entry(current, event, null, decision.decisionId(), added));
        }
    }

    /** The tenant's segment, as far as the decided dossier, the decision or a {@link TenantSegments} bean tells. */
    private @Nullable String segmentOf(StoredDecision decision, ObjectValue result, @Nullable ObjectValue input) {
        if (input != null) {
            return input.get("tenant") instanceof ObjectValue tenant ? text(tenant.get("segment")) : null;
        }
        if (result.get("tenant") instanceof ObjectValue tenant && text(tenant.get("segment")) != null) {
            return text(tenant.get("segment"));
        }
        if (text(result.get("segment")) != null) {
            return text(result.get("segment"));
        }
        return segments == null ? null : segments.segmentOf(decision.tenantId()).orElse(null);
    }

    /** government-* and law-enforcement tenants need two approvers (DESIGN §7). */
    static boolean securitySegment(@Nullable String segment) {
        return segment != null && (segment.startsWith("government-") || segment.equals("law-enforcement"));
    }

    /** One scope for several violations of a rule: lists under the same key are united, other keys kept. */
    private static @Nullable Value mergeScopes(List<Value> scopes) {
        if (scopes.size() <= 1) {
            return scopes.isEmpty() ? null : scopes.getFirst();
        }
        Map<String, TreeSet<Value>> lists = new LinkedHashMap<>();
        ObjectValue.Builder out = ObjectValue.builder();
        for (Value s : scopes) {
            if (!(s instanceof ObjectValue o)) {
                continue;
            }
            for (int i = 0; i < o.size(); i++) {
                String key = ObjectValue.keyText(o.keyAt(i));
                Value val = o.valueAt(i);
                if (val instanceof ArrayValue || val instanceof SetValue) {
                    lists.computeIfAbsent(key, k -> new TreeSet<>()).addAll(items(val));
                } else {
                    out.put(key, val);
                }
            }
        }
        lists.forEach((k, vs) -> out.put(k, ArrayValue.of(vs)));
        return out.build();
    }

    static String digest(Value violation) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(violation.toJsonString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Value> items(@Nullable Value v) {
        return switch (v) {
            case ArrayValue a -> a.items();
            case SetValue s -> s.elements();
            case null, default -> List.of();
        };
    }

    private static @Nullable String text(@Nullable Value v) {
        return v instanceof StringValue s ? s.value() : null;
    }
}

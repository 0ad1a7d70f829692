package io.writ.engine.cases;

import io.micronaut.context.ApplicationContext;
import io.micronaut.transaction.TransactionOperations;
import io.writ.engine.evaluation.StoredDecision;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;

import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** Decisions shaped like DESIGN §5 and a way to hand them to the sink as the ingest path would. */
final class CaseFixtures {
    private CaseFixtures() {
    }

    static String tenant() {
        return "tnt-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A violation; {@code extra} is appended inside the object (e.g. {@code "indicators": [...]}). */
    static String violation(String rule, String verdict, String severity, String subscription, String extra) {
        return """
                {"rule": "%s", "clause": "AUP-%s", "severity": "%s", "verdict": "%s", "confidence": 0.9,
                 "evidence": [{"kind": "usage", "subscription": "%s", "detail": "large volumes"}],
                 "scope": {"subscriptions": ["%s"]},
                 "actions": [{"action": "disable-subscription", "subscription": "%s"}],
                 "explanation": "plain words"%s}""".formatted(rule, rule.length(), severity, verdict, subscription,
                subscription, subscription, extra.isEmpty() ? "" : ", " + extra);
    }

    static String result(String verdict, List<String> violations) {
        return "{\"verdict\": \"" + verdict + "\", \"violations\": [" + String.join(", ", violations)
                + "], \"requires_approval\": true}";
    }

    static StoredDecision decision(String tenant, String resultJson) {
        return decision(UUID.randomUUID().toString(), tenant, resultJson);
    }

    static StoredDecision decision(String id, String tenant, String resultJson) {
        return new StoredDecision(id, tenant, 7, "sha256:abc", "rev-1", Json.parse(resultJson),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), 1500);
    }

    /** Delivers decisions to the sink inside one transaction, as the ingest path does when it stores them. */
    @SuppressWarnings("unchecked")
    static void deliver(ApplicationContext ctx, StoredDecision... decisions) {
        TransactionOperations<Connection> tx = ctx.getBean(TransactionOperations.class);
        CaseSink sink = ctx.getBean(CaseSink.class);
        tx.executeWrite(status -> {
            for (StoredDecision d : decisions) {
                sink.onDecision(d);
            }
            return null;
        });
    }

    /** Delivers a decision with the dossier it decided, as the evaluator does. */
    @SuppressWarnings("unchecked")
    static void deliverWithInput(ApplicationContext ctx, StoredDecision decision, ObjectValue input) {
        TransactionOperations<Connection> tx = ctx.getBean(TransactionOperations.class);
        tx.executeWrite(status -> {
            ctx.getBean(CaseSink.class).onDecision(decision, input);
            return null;
        });
    }

    /** The open case of a tenant and rule, by the list query. */
    static CaseRow only(ApplicationContext ctx, String tenant, String rule) {
        var page = ctx.getBean(CaseService.class).list(new CaseQuery(List.of(), List.of(), List.of(rule), List.of(tenant),
                List.of(), null, null, null), 10);
        if (page.cases().size() != 1) {
            throw new AssertionError("expected one case for " + tenant + "/" + rule + ", found " + page.cases().size());
        }
        return page.cases().getFirst();
    }

    /** Moves a case's creation time into the past, for the age filters. */
    @SuppressWarnings("unchecked")
    static void backdate(ApplicationContext ctx, String caseId, Instant created) {
        TransactionOperations<Connection> tx = ctx.getBean(TransactionOperations.class);
        tx.executeWrite(status -> {
            try (var ps = status.getConnection().prepareStatement("UPDATE writ_case SET created_at = ? WHERE id = ?")) {
                ps.setObject(1, java.time.OffsetDateTime.ofInstant(created, java.time.ZoneOffset.UTC));
                ps.setString(2, caseId);
                ps.executeUpdate();
            }
            return null;
        });
    }
}

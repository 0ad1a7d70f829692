package io.writ.engine.cases;

import io.micronaut.context.ApplicationContext;
import io.micronaut.transaction.TransactionOperations;
import io.writ.engine.evaluation.StoredDecision;
import io.writ.engine.storage.Databases;
import io.writ.engine.web.Problem;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.sql.Connection;
import io.micronaut.transaction.TransactionOperations;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.writ.engine.cases.CaseFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decision sink and the case service on H2 and on a real PostgreSQL. */
class CaseSinkTest {
    private static final Map<String, ApplicationContext> CONTEXTS = new HashMap<>();

    static synchronized ApplicationContext ctx(String db) {
        return CONTEXTS.computeIfAbsent(db, d -> {
            String name = "c" + UUID.randomUUID().toString().replace("-", "");
            Map<String, Object> props = new HashMap<>(d.equals("h2") ? Databases.h2(name) : Databases.postgres(name));
            props.put("micronaut.server.port", -1);
            props.put("writ.policy.bundle", "classpath:test-bundle");
            return ApplicationContext.run(props, "test");
        });
    }

    @AfterAll
    static void close() {
        CONTEXTS.values().forEach(ApplicationContext::close);
        CONTEXTS.clear();
    }

    private static CaseRecord load(ApplicationContext ctx, String id) {
        return ctx.getBean(CaseService.class).find(id).orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void opensOneCasePerRuleForReviewAndEnforceViolations(String db) {
        ApplicationContext ctx = ctx(db);
        String t = tenant();
        var d = decision(t, result("enforce", List.of(
                violation("mass-surveillance", "enforce", "critical", "sub-a", ""),
                violation("spam", "review", "medium", "sub-b", ""),
                violation("cryptomining", "monitor", "low", "sub-c", ""))));
        deliver(ctx, d);

        CaseRow ms = only(ctx, t, "mass-surveillance");
        assertThat(ms.status()).isEqualTo(CaseStatus.OPEN);
        assertThat(ms.verdict()).isEqualTo("enforce");
        assertThat(ms.severity()).isEqualTo("critical");
        assertThat(ms.clause()).isEqualTo("AUP-17");
        assertThat(ms.version()).isEqualTo(1);
        assertThat(ms.needsTwoApprovers()).isTrue();
        assertThat(ms.scope().toJsonString()).isEqualTo("{\"subscriptions\":[\"sub-a\"]}");
        CaseRecord full = load(ctx, ms.id());
        assertThat(full.decisionIds()).containsExactly(d.decisionId());
        assertThat(full.evidence()).hasSize(1);
        assertThat(full.evidence().getFirst().violation()).isInstanceOf(ObjectValue.class);
        assertThat(full.evidence().getFirst().dossierVersion()).isEqualTo(7);
        assertThat(full.history()).extracting(CaseRecord.Event::name, CaseRecord.Event::actor, CaseRecord.Event::to)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("open", "writ", "open"));

        CaseRow spam = only(ctx, t, "spam");
        assertThat(spam.verdict()).isEqualTo("review");
        assertThat(spam.needsTwoApprovers()).isFalse();
        var none = ctx.getBean(CaseService.class).list(new CaseQuery(List.of(), List.of(), List.of("cryptomining"),
                List.of(t), List.of(), null, null, null), 10);
        assertThat(none.cases()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void allowAndMonitorDecisionsOpenNothing(String db) {
        ApplicationContext ctx = ctx(db);
        String t = tenant();
        // a monitor decision opens nothing even if a violation claims more: the decision's verdict gates
        deliver(ctx, decision(t, result("monitor", List.of(violation("spam", "review", "low", "s", "")))),
                decision(t, result("allow", List.of())));
        var page = ctx.getBean(CaseService.class).list(new CaseQuery(List.of(), List.of(), List.of(), List.of(t),
                List.of(), null, null, null), 10);
        assertThat(page.cases()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void newEvidenceJoinsTheOpenCaseOnceAndUpdatesIt(String db) {
        ApplicationContext ctx = ctx(db);
        String t = tenant();
        var first = decision(t, result("review", List.of(violation("spam", "review", "medium", "sub-a", ""))));
        deliver(ctx, first);
        deliver(ctx, first); // a replay adds nothing
        CaseRow before = only(ctx, t, "spam");
        assertThat(before.version()).isEqualTo(1);
        assertThat(load(ctx, before.id()).evidence()).hasSize(1);

        // two violations of one rule in the newest decision: one case, scopes united, highest verdict and severity
        var second = decision(t, result("enforce", List.of(
                violation("spam", "review", "high", "sub-b", ""),
                violation("spam", "enforce", "medium", "sub-c", ""))));
        deliver(ctx, second);
        deliver(ctx, second);
        CaseRow after = only(ctx, t, "spam");
        assertThat(after.id()).isEqualTo(before.id());
        assertThat(after.version()).isEqualTo(2);
        assertThat(after.verdict()).isEqualTo("enforce");
        assertThat(after.severity()).isEqualTo("high");
        assertThat(after.scope().toJsonString()).isEqualTo("{\"subscriptions\":[\"sub-b\",\"sub-c\"]}");
        CaseRecord full = load(ctx, after.id());
        assertThat(full.evidence()).hasSize(3);
        assertThat(full.decisionIds()).containsExactly(first.decisionId(), second.decisionId());
        assertThat(full.history()).extracting(CaseRecord.Event::name).containsExactly("open", "evidence");

        // a later decision that finds exactly the same violations is not new evidence: the case does not change
        deliver(ctx, decision(t, result("enforce", List.of(
                violation("spam", "enforce", "medium", "sub-c", ""),
                violation("spam", "review", "high", "sub-b", "")))));
        assertThat(only(ctx, t, "spam").version()).isEqualTo(2);
        assertThat(load(ctx, after.id()).evidence()).hasSize(3);
        // which the sink finds out with one read, before it locks or writes anything
        CaseStore store = ctx.getBean(CaseStore.class);
        @SuppressWarnings("unchecked")
        TransactionOperations<Connection> tx = ctx.getBean(TransactionOperations.class);
        List<String> held = List.of(CaseSink.digest(io.writ.rego.value.Json.parse(violation("spam", "enforce", "medium", "sub-c", ""))),
                CaseSink.digest(io.writ.rego.value.Json.parse(violation("spam", "review", "high", "sub-b", ""))));
        assertThat((boolean) tx.executeRead(st -> store.openCaseHoldsAll(t, "spam", held))).isTrue();
        assertThat((boolean) tx.executeRead(st -> store.openCaseHoldsAll(t, "spam", List.of(held.get(0), "not-held")))).isFalse();
        assertThat((boolean) tx.executeRead(st -> store.openCaseHoldsAll(t, "cryptomining", held))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aFinishedCaseIsFollowedByANewOne(String db) {
        ApplicationContext ctx = ctx(db);
        String t = tenant();
        deliver(ctx, decision(t, result("review", List.of(violation("spam", "review", "low", "s1", "")))));
        CaseRow c = only(ctx, t, "spam");
        var service = ctx.getBean(CaseService.class);
        var alice = new CaseService.Actor("alice", List.of("reviewer"));
        service.transition(c.id(), Transition.ASSIGN, alice, 1, ObjectValue.EMPTY);
        service.transition(c.id(), Transition.DISMISS, alice, 2, ObjectValue.of(StringValue.of("reason"), StringValue.of("a test account")));

        deliver(ctx, decision(t, result("review", List.of(violation("spam", "review", "low", "s1", "")))));
        var all = service.list(new CaseQuery(List.of(), List.of(), List.of("spam"), List.of(t), List.of(), null, null, null), 10);
        assertThat(all.cases()).extracting(CaseRow::status).containsExactlyInAnyOrder(CaseStatus.DISMISSED, CaseStatus.OPEN);
        assertThat(load(ctx, c.id()).evidence()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void segmentAndStateSecurityIndicatorCallForTwoApprovers(String db) {
        ApplicationContext ctx = ctx(db);
        String gov = tenant();
        deliver(ctx, decision(gov, "{\"verdict\": \"review\", \"tenant\": {\"segment\": \"government-civilian\"}, \"violations\": ["
                + violation("spam", "review", "low", "s", "") + "]}"));
        CaseRow g = only(ctx, gov, "spam");
        assertThat(g.tenantSegment()).isEqualTo("government-civilian");
        assertThat(g.needsTwoApprovers()).isTrue();

        String police = tenant();
        deliver(ctx, decision(police, result("review", List.of(violation("spam", "review", "low", "s",
                "\"indicators\": [\"bulk-communications-data\", \"state-security-actor\"]")))));
        assertThat(only(ctx, police, "spam").needsTwoApprovers()).isTrue();

        String shop = tenant();
        deliver(ctx, decision(shop, "{\"verdict\": \"review\", \"segment\": \"enterprise\", \"violations\": ["
                + violation("spam", "review", "high", "s", "") + "]}"));
        CaseRow e = only(ctx, shop, "spam");
        assertThat(e.tenantSegment()).isEqualTo("enterprise");
        assertThat(e.needsTwoApprovers()).isFalse();

        // the evaluator hands over the decided dossier: its tenant.segment counts, whatever the result says
        String agency = tenant();
        StoredDecision d = decision(agency, "{\"verdict\": \"review\", \"segment\": \"enterprise\", \"violations\": ["
                + violation("spam", "review", "low", "s", "") + "]}");
        ObjectValue input = (ObjectValue) Json.parse("{\"tenant\": {\"id\": \"" + agency
                + "\", \"segment\": \"government-intelligence\"}}");
        deliverWithInput(ctx, d, input);
        CaseRow a = only(ctx, agency, "spam");
        assertThat(a.tenantSegment()).isEqualTo("government-intelligence");
        assertThat(a.needsTwoApprovers()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    @SuppressWarnings("unchecked")
    void runsOnlyInsideTheCallersTransactionAndRollsBackWithIt(String db) {
        ApplicationContext ctx = ctx(db);
        String t = tenant();
        var d = decision(t, result("review", List.of(violation("spam", "review", "low", "s", ""))));
        assertThatThrownBy(() -> ctx.getBean(CaseSink.class).onDecision(d))
                .hasMessageContaining("transaction");
        TransactionOperations<Connection> tx = ctx.getBean(TransactionOperations.class);
        assertThatThrownBy(() -> tx.executeWrite(status -> {
            ctx.getBean(CaseSink.class).onDecision(d);
            throw new IllegalStateException("storing the decision failed");
        })).hasMessage("storing the decision failed");
        var page = ctx.getBean(CaseService.class).list(new CaseQuery(List.of(), List.of(), List.of(), List.of(t),
                List.of(), null, null, null), 10);
        assertThat(page.cases()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoReviewersRacingOnOneCaseOneWinsOneConflicts(String db) throws Exception {
        ApplicationContext ctx = ctx(db);
        String t = tenant();
        deliver(ctx, decision(t, result("review", List.of(violation("spam", "review", "low", "s", "")))));
        CaseRow c = only(ctx, t, "spam");
        var service = ctx.getBean(CaseService.class);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (String reviewer : List.of("alice", "bob")) {
                Callable<String> move = () -> {
                    start.await();
                    try {
                        service.transition(c.id(), Transition.ASSIGN, new CaseService.Actor(reviewer, List.of("reviewer")),
                                c.version(), ObjectValue.EMPTY);
                        return "ok";
                    } catch (Problem p) {
                        return p.status().getCode() + " " + p.type();
                    }
                };
                results.add(pool.submit(move));
            }
            start.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) {
                outcomes.add(f.get());
            }
            assertThat(outcomes).containsExactlyInAnyOrder("ok", "409 version-conflict");
        } finally {
            pool.shutdownNow();
        }
        CaseRecord after = load(ctx, c.id());
        assertThat(after.row().version()).isEqualTo(2);
        assertThat(after.history()).extracting(CaseRecord.Event::name).containsExactly("open", "assign");
        assertThat(after.row().assignee()).isIn("alice", "bob");
    }
}

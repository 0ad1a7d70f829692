package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import io.writ.engine.ApiTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.writ.engine.enforcement.Harness.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Enforcement through the HTTP API, from signals to reinstatement, against the fake provider: the plan frozen at
 * approval, the notice, execution at once with a reason, verification, the statement of reasons, the revert on appeal,
 * failures and retries, and who may do what.
 */
class EnforcementApiTest {
    static Harness h;

    @BeforeAll
    static void start() {
        // the fake reports a data-deletion deadline 20 days after a disable: inside the 30-day warning window
        h = Harness.start(Map.of("writ.connectors.fake.irreversible-after", "P20D"));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static String tenant() {
        return "tnt-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Subscription ids are the fake provider's keys: each test uses its own. */
    static String twoActions(String sub) {
        return """
                [{"action": "disable-subscription", "subscription": "%s"},
                 {"action": "deny-service", "subscription": "%s", "service": "translation"}]""".formatted(sub, sub);
    }

    @Test
    void aCaseIsEnforcedVerifiedAppealedAndReinstatedExactly() {
        String t = tenant();
        String sub = t + "-a";
        String id = h.caseFor(t, "government-intelligence", List.of(sub, t + "-b"));
        assertThat(h.caseView(id).get("two_approvers").asBoolean()).isTrue();
        JsonNode approved = h.approve(id, twoActions(sub), "{\"subscriptions\": [\"" + sub + "\"]}");

        // approval froze the plan and issued the notice; the notice period (P3D) holds execution back
        JsonNode e = approved.get("enforcement");
        assertThat(e.get("phase").asText()).isEqualTo("notice");
        assertThat(Duration.between(Instant.now(), Instant.parse(e.get("execute_after").asText())))
                .isGreaterThan(Duration.ofDays(2));
        String notice = e.at("/notice/text").asText();
        assertThat(notice).contains("AUP-2.1", "disable-subscription on subscription " + sub, "Appeal by writing to", id);
        assertThat(e.get("actions")).hasSize(2);
        assertThat(e.at("/actions/0/status").asText()).isEqualTo("pending");
        assertThat(e.at("/actions/0/connector").asText()).isEqualTo("fake");
        Harness.poll(Duration.ofMillis(800), () -> false);
        assertThat(h.fake().state().applyCalls).doesNotContainKey("subscription/" + sub);
        assertThat(h.caseView(id).get("status").asText()).isEqualTo("approved");

        // an approver executes at once, with a reason
        JsonNode executing = h.move(id, "execute", "{\"reason\": \"ongoing harm to civilians\"}", token("bob", "approver"));
        assertThat(executing.get("status").asText()).isIn("executing", "enforced");
        JsonNode enforced = h.awaitStatus(id, "enforced");
        JsonNode actions = enforced.at("/enforcement/actions");
        for (JsonNode a : actions) {
            assertThat(a.get("status").asText()).isEqualTo("verified");
            assertThat(a.at("/verification/ok").asBoolean()).isTrue();
            assertThat(a.at("/applied/prior/state").asText()).isEqualTo("Enabled");
        }
        assertThat(h.fake().state().changes).containsEntry("subscription/" + sub, 1)
                .containsEntry("subscription/" + sub + "/deny/translation", 1);
        assertThat(enforced.at("/enforcement/started_by").asText()).isEqualTo("bob");
        // the disable's data-deletion deadline is recorded and warned about
        assertThat(actions.get(0).get("irreversible_after").isNull()).isFalse();
        assertThat(enforced.at("/enforcement/deadline_warnings")).hasSize(1);
        assertThat(enforced.at("/enforcement/deadline_warnings/0/message").asText()).contains("irreversible");
        String prometheus = h.client.toBlocking().retrieve(io.micronaut.http.HttpRequest.GET("/prometheus")
                .bearerAuth(token("a", "auditor")));
        assertThat(prometheus).contains("writ_enforcement_deadline_warnings_total", "writ_enforcement_actions_total{outcome=\"applied\"}");
        List<String> moves = new ArrayList<>();
        enforced.get("history").forEach(x -> moves.add(x.get("event").asText() + ":" + x.get("actor").asText()));
        assertThat(moves).containsSubsequence("execute:bob", "complete:writ");

        // appeal, then reinstatement reverts in reverse order and verifies each revert
        h.move(id, "appeal", "{\"reason\": \"tenant produced a warrant\"}", token("alice", "reviewer"));
        JsonNode reinstating = h.move(id, "reinstate", "{\"reason\": \"the warrant covers it\"}", token("bob", "approver"));
        assertThat(reinstating.get("status").asText()).isIn("reinstating", "reinstated");
        JsonNode reinstated = h.awaitStatus(id, "reinstated");
        for (JsonNode a : reinstated.at("/enforcement/actions")) {
            assertThat(a.get("status").asText()).isEqualTo("restored");
        }
        assertThat(h.fake().state().applied).doesNotContainKeys("subscription/" + sub, "subscription/" + sub + "/deny/translation");
        assertThat(h.fake().state().reverts).containsEntry("subscription/" + sub, 1)
                .containsEntry("subscription/" + sub + "/deny/translation", 1);
        assertThat(reinstated.at("/enforcement/deadline_warnings")).isEmpty();
        List<String> steps = new ArrayList<>();
        h.get("/v1/cases/" + id + "/plan", token("aud", "auditor")).get("history").forEach(x -> {
            if (x.has("action")) {
                steps.add(x.get("step").asText() + ":" + x.get("action").asInt() + ":" + x.get("outcome").asText());
            }
        });
        assertThat(steps).containsSubsequence("apply:0:applied", "verify:0:verified", "apply:1:applied", "verify:1:verified",
                "revert:1:reverted", "verify_revert:1:restored", "revert:0:reverted", "verify_revert:0:restored");
        assertThat(h.move(id, "close", "{}", token("alice", "reviewer")).get("status").asText()).isEqualTo("closed");

        // every step is in the audit log, in order, in the transaction of the change it records
        assertThat(h.auditKinds(id)).containsSubsequence("case.approve", "enforcement.notice", "case.execute",
                "enforcement.execute", "enforcement.apply", "enforcement.verify", "enforcement.apply", "enforcement.verify",
                "case.complete", "enforcement.enforced", "case.reinstate", "enforcement.reinstate", "enforcement.revert",
                "enforcement.verify-revert", "enforcement.revert", "enforcement.verify-revert", "case.restore",
                "enforcement.reinstated", "case.close");
        JsonNode applied = h.auditEntries("case=" + id + "&kind=enforcement.apply").stream()
                .filter(x -> x.get("outcome").asText().equals("applied")).findFirst().orElseThrow();
        assertThat(applied.at("/action/applied/prior/state").asText()).isEqualTo("Enabled");
        assertThat(applied.get("tenant").asText()).isEqualTo(t);
        assertThat(h.auditEntries("case=" + id + "&kind=enforcement.notice").getFirst().at("/notice/text").asText())
                .isEqualTo(notice);
    }

    @Test
    void executingAtOnceNeedsAnApproverAndAWrittenReasonAndCompletionIsTheServices() throws Exception {
        String id = h.caseFor(tenant(), "telecom", List.of("sub-x"));
        h.approve(id, twoActions("sub-x"), "{\"subscriptions\": [\"sub-x\"]}");
        JsonNode noReason = ApiTests.problem(() -> h.move(id, "execute", "{}", token("bob", "approver")), 422);
        assertThat(noReason.get("detail").asText()).contains("reason");
        ApiTests.problem(() -> h.move(id, "execute", "{\"reason\": \"x\"}", token("alice", "reviewer")), 403);
        ApiTests.problem(() -> h.move(id, "execute", "{\"reason\": \"x\"}", token("aud", "auditor")), 403);
        JsonNode early = ApiTests.problem(() -> h.move(id, "complete", "{}", token("root", "admin")), 409);
        assertThat(early.get("type").asText()).endsWith("/service-transition");
        assertThat(h.caseView(id).get("status").asText()).isEqualTo("approved");
        assertThat(h.caseView(id).get("transitions").toString()).doesNotContain("complete", "restore");
        h.move(id, "execute", "{\"reason\": \"harm is ongoing\"}", token("root", "admin"));
        h.awaitStatus(id, "enforced");
        JsonNode late = ApiTests.problem(() -> h.move(id, "complete", "{}", token("root", "admin")), 409);
        assertThat(late.get("type").asText()).endsWith("/service-transition");
    }

    @Test
    void aThrottledProviderIsRetriedWithBackoffUntilItSucceeds() {
        String id = h.caseFor(tenant(), "telecom", List.of("flaky-1"));
        h.approve(id, "[{\"action\": \"disable-subscription\", \"subscription\": \"flaky-1\"}]",
                "{\"subscriptions\": [\"flaky-1\"]}");
        h.move(id, "execute", "{\"reason\": \"now\"}", token("bob", "approver"));
        JsonNode c = h.awaitStatus(id, "enforced");
        assertThat(c.at("/enforcement/actions/0/status").asText()).isEqualTo("verified");
        assertThat(c.at("/enforcement/actions/0/last_error").isNull()).isTrue();
        // two 429s, then the change: applied once
        assertThat(h.fake().state().applyCalls.get("subscription/flaky-1")).isEqualTo(3);
        assertThat(h.fake().state().changes.get("subscription/flaky-1")).isEqualTo(1);
        List<String> outcomes = new ArrayList<>();
        h.get("/v1/cases/" + id + "/plan", token("r", "reviewer")).get("history")
                .forEach(x -> outcomes.add(x.get("outcome").asText() + ":" + x.path("detail").asText()));
        assertThat(outcomes.stream().filter(o -> o.startsWith("failed_retryable:TooManyRequests: HTTP 429"))).hasSize(2);
    }

    @Test
    void aFinalFailureLeavesAClearRetryableStateAndARetryFinishesTheJob() throws Exception {
        String id = h.caseFor(tenant(), "telecom", List.of("forbidden-1"));
        h.approve(id, "[{\"action\": \"disable-subscription\", \"subscription\": \"forbidden-1\"}]",
                "{\"subscriptions\": [\"forbidden-1\"]}");
        ApiTests.problem(() -> h.post("/v1/cases/" + id + "/plan/retry", "{}", token("bob", "approver")), 409);
        h.move(id, "execute", "{\"reason\": \"now\"}", token("bob", "approver"));
        Harness.await(Duration.ofSeconds(10), () -> h.caseView(id).at("/enforcement/actions/0/status").asText().equals("failed_final"));
        JsonNode c = h.caseView(id);
        assertThat(c.get("status").asText()).isEqualTo("executing");
        JsonNode a = c.at("/enforcement/actions/0");
        assertThat(a.at("/last_error/code").asText()).isEqualTo("AuthorizationFailed");
        assertThat(a.at("/last_error/message").asText()).contains("HTTP 403", "does not have authorization");
        assertThat(a.get("next_step").asText()).isEqualTo("apply");
        assertThat(h.fake().state().changes).doesNotContainKey("subscription/forbidden-1");

        ApiTests.problem(() -> h.post("/v1/cases/" + id + "/plan/retry", "{}", token("alice", "reviewer")), 403);
        ApiTests.problem(() -> h.post("/v1/cases/" + id + "/plan/retry", "{}", token("aud", "auditor")), 403);
        ApiTests.problem(() -> h.post("/v1/cases/" + id + "/plan/retry", "{\"reason\": 5}", token("bob", "approver")), 422);
        ApiTests.problem(() -> h.post("/v1/cases/" + id + "/plan/retry", "{\"force\": true}", token("bob", "approver")), 422);
        ApiTests.problem(() -> h.post("/v1/cases/no-such-case/plan/retry", "{}", token("bob", "approver")), 404);
        assertThat(h.caseView(id).at("/enforcement/actions/0/status").asText()).isEqualTo("failed_final");

        h.fake().allow("forbidden-1");
        JsonNode retried = h.post("/v1/cases/" + id + "/plan/retry", "{\"reason\": \"role granted\"}", token("bob", "approver"));
        assertThat(retried.at("/actions/0/status").asText()).isIn("pending", "applying", "applied", "verified");
        h.awaitStatus(id, "enforced");
        assertThat(h.fake().state().changes.get("subscription/forbidden-1")).isEqualTo(1);
    }

    @Test
    void thePlanPreviewsEachTargetAndShowsProviderErrorsPerAction() throws Exception {
        String id = h.caseFor(tenant(), "telecom", List.of("sub-a", "missing-1"));
        h.move(id, "assign", "{}", token("alice", "reviewer"));
        ApiTests.problem(() -> h.get("/v1/cases/" + id + "/plan", token("alice", "reviewer")), 404);
        JsonNode outside = ApiTests.problem(() -> h.move(id, "propose", """
                {"reason": "r", "clause": "AUP-2.1", "scope": {"subscriptions": ["sub-a"]},
                 "actions": [{"action": "disable-subscription", "subscription": "sub-b"}]}""", token("alice", "reviewer")), 422);
        assertThat(outside.get("detail").asText()).contains("'sub-b'", "not in the proposal's scope");
        assertThat(h.caseView(id).get("status").asText()).isEqualTo("in_review");
        h.move(id, "propose", """
                {"reason": "r", "clause": "AUP-2.1", "scope": {"subscriptions": ["sub-a", "missing-1"]},
                 "actions": [{"action": "disable-subscription", "subscription": "sub-a"},
                             {"action": "disable-subscription", "subscription": "missing-1"},
                             {"action": "notify", "subscription": "sub-a"}]}""", token("alice", "reviewer"));
        JsonNode proposed = h.get("/v1/cases/" + id + "/plan", token("aud", "auditor"));
        assertThat(proposed.get("frozen").asBoolean()).isFalse();
        assertThat(proposed.at("/actions/0/preview/ok").asBoolean()).isTrue();
        assertThat(proposed.at("/actions/0/preview/current/state").asText()).isEqualTo("Enabled");
        assertThat(proposed.at("/actions/0/preview/intended/state").asText()).isEqualTo("Disabled");
        assertThat(proposed.at("/actions/0/preview/target/id").asText()).isEqualTo("subscription/sub-a");
        assertThat(proposed.at("/actions/1/preview/ok").asBoolean()).isFalse();
        assertThat(proposed.at("/actions/1/preview/error/code").asText()).isEqualTo("SubscriptionNotFound");
        // notify is no connector's: the notice issued with the plan carries it out
        assertThat(proposed.at("/actions/2/status").asText()).isEqualTo("proposed");
        assertThat(proposed.at("/actions/2/preview/ok").asBoolean()).isTrue();
        assertThat(proposed.at("/actions/2/preview/summary").asText()).contains("the notice to the tenant");

        JsonNode approved = h.move(id, "approve", "{\"reason\": \"ok\"}", token("bob", "approver"));
        assertThat(approved.at("/enforcement/actions/2/status").asText()).isEqualTo("verified");
        assertThat(approved.at("/enforcement/actions/2/connector").isNull()).isTrue();
        JsonNode frozen = h.get("/v1/cases/" + id + "/plan", token("bob", "approver"));
        assertThat(frozen.get("frozen").asBoolean()).isTrue();
        assertThat(frozen.get("phase").asText()).isEqualTo("notice");
        assertThat(frozen.at("/actions/0/preview/summary").asText()).contains("sub-a");
        assertThat(frozen.at("/actions/2/route_note").asText()).contains("notice to the tenant");

        for (String role : List.of("reviewer", "approver", "auditor", "admin")) {
            assertThat(h.get("/v1/cases/" + id + "/plan", token("u", role)).get("case").asText()).isEqualTo(id);
        }
        ApiTests.problem(() -> h.get("/v1/cases/" + id + "/plan", token("p", "pipeline")), 403);
        ApiTests.problem(() -> h.client.toBlocking().exchange(io.micronaut.http.HttpRequest.GET("/v1/cases/" + id + "/plan")), 401);
        ApiTests.problem(() -> h.get("/v1/cases/nope/plan", token("u", "auditor")), 404);
    }

    @Test
    void theStatementOfReasonsHasTheFieldsOfDsaArticle17() throws Exception {
        String id = h.caseFor(tenant(), "telecom", List.of("sub-s"));
        ApiTests.problem(() -> h.get("/v1/cases/" + id + "/statement", token("u", "auditor")), 404);
        h.approve(id, "[{\"action\": \"disable-subscription\", \"subscription\": \"sub-s\"}]", "{\"subscriptions\": [\"sub-s\"]}");
        JsonNode s = h.get("/v1/cases/" + id + "/statement", token("u", "auditor"));
        assertThat(s.at("/restriction/measures/0/description").asText()).isEqualTo("disable-subscription on subscription sub-s");
        assertThat(s.at("/restriction/scope/subscriptions/0").asText()).isEqualTo("sub-s");
        assertThat(s.at("/restriction/duration").asText()).contains("appeal");
        assertThat(s.at("/facts_and_circumstances/findings/0/rule").asText()).isEqualTo("test-population");
        assertThat(s.at("/facts_and_circumstances/reviewer_assessment").asText()).isEqualTo("bulk interception of civilians");
        assertThat(s.at("/automated_means/used_for_detection").asBoolean()).isTrue();
        assertThat(s.at("/automated_means/used_for_decision").asBoolean()).isFalse();
        assertThat(s.at("/automated_means/decision").asText()).contains("1 approver(s)");
        assertThat(s.at("/contractual_ground/clause").asText()).isEqualTo("AUP-2.1");
        assertThat(s.at("/contractual_ground/why_it_applies").toString()).contains("bulk interception of civilians");
        assertThat(s.at("/redress/internal_complaint").asText()).contains(id);
        assertThat(s.at("/redress/out_of_court_dispute_settlement").asText()).isNotBlank();
        assertThat(s.at("/redress/judicial_redress").asText()).isNotBlank();
        for (String role : List.of("reviewer", "approver", "admin")) {
            assertThat(h.get("/v1/cases/" + id + "/statement", token("u", role)).get("case").asText()).isEqualTo(id);
        }
        ApiTests.problem(() -> h.get("/v1/cases/" + id + "/statement", token("p", "pipeline")), 403);
    }

    @Test
    void retryAndReleaseAreForTheRolesTheyName() throws Exception {
        String id = h.caseFor(tenant(), "telecom", List.of("roles-a"));
        h.approve(id, "[{\"action\": \"disable-subscription\", \"subscription\": \"roles-a\"}]", "{\"subscriptions\": [\"roles-a\"]}");
        String retry = "/v1/cases/" + id + "/plan/retry";
        String release = "/v1/cases/" + id + "/plan/actions/0/release";
        for (String role : List.of("pipeline", "reviewer", "auditor")) {
            ApiTests.problem(() -> h.post(retry, "{}", token("u", role)), 403);
            ApiTests.problem(() -> h.post(release, "{\"reason\": \"r\"}", token("u", role)), 403);
        }
        ApiTests.problem(() -> h.post(release, "{\"reason\": \"r\"}", token("u", "approver")), 403);
        ApiTests.problem(() -> h.client.toBlocking().exchange(io.micronaut.http.HttpRequest.POST(retry, "{}")), 401);
        // allowed, and then refused for what the plan is: nothing failed, nothing held
        for (String role : List.of("approver", "admin")) {
            assertThat(ApiTests.problem(() -> h.post(retry, "{}", token("u", role)), 409).get("type").asText())
                    .endsWith("/nothing-to-retry");
        }
        assertThat(ApiTests.problem(() -> h.post(release, "{\"reason\": \"r\"}", token("u", "admin")), 409).get("type").asText())
                .endsWith("/not-held");
        ApiTests.problem(() -> h.post(release, "{\"reason\": \"r\"", token("u", "admin")), 400);
    }
}

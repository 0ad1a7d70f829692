package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import io.writ.engine.ApiTests;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.writ.engine.enforcement.Harness.token;
import static org.assertj.core.api.Assertions.assertThat;

/** The safety valves: the kill switch, the blast-radius cap with an admin's release, and dry-run mode. */
class EnforcementSafetyTest {
    private static String disables(String... subs) {
        StringBuilder b = new StringBuilder("[");
        for (String s : subs) {
            b.append(b.length() > 1 ? ", " : "").append("{\"action\": \"disable-subscription\", \"subscription\": \"").append(s).append("\"}");
        }
        return b.append("]").toString();
    }

    private static String scope(String... subs) {
        return "{\"subscriptions\": [\"" + String.join("\", \"", subs) + "\"]}";
    }

    @Test
    void theKillSwitchPausesEveryPlanUntilAnAdminResumes() throws Exception {
        try (Harness h = Harness.start(Map.of())) {
            String admin = token("root", "admin");
            for (String role : List.of("reviewer", "approver", "auditor", "pipeline")) {
                ApiTests.problem(() -> h.put("/v1/admin/enforcement", "{\"paused\": true, \"reason\": \"x\"}", token("u", role)), 403);
            }
            for (String role : List.of("reviewer", "approver", "pipeline")) {
                ApiTests.problem(() -> h.get("/v1/admin/enforcement", token("u", role)), 403);
            }
            ApiTests.problem(() -> h.put("/v1/admin/enforcement", "{\"paused\": \"yes\", \"reason\": \"x\"}", admin), 422);
            ApiTests.problem(() -> h.put("/v1/admin/enforcement", "{\"paused\": true}", admin), 422);
            ApiTests.problem(() -> h.put("/v1/admin/enforcement", "{\"paused\": true, \"reason\": \"x\", \"until\": 1}", admin), 422);
            ApiTests.problem(() -> h.put("/v1/admin/enforcement", "{\"paused\": tru", admin), 400);
            assertThat(h.get("/v1/admin/enforcement", token("a", "auditor")).get("paused").asBoolean()).isFalse();

            JsonNode paused = h.put("/v1/admin/enforcement", "{\"paused\": true, \"reason\": \"provider incident\"}", admin);
            assertThat(paused.get("paused").asBoolean()).isTrue();
            assertThat(paused.get("changed_by").asText()).isEqualTo("root");
            String id = h.caseFor("tnt-kill", "telecom", List.of("kill-1"));
            h.approve(id, disables("kill-1"), scope("kill-1"));
            JsonNode executing = h.move(id, "execute", "{\"reason\": \"now\"}", token("bob", "approver"));
            assertThat(executing.at("/enforcement/execution_paused").asBoolean()).isTrue();
            Harness.poll(Duration.ofSeconds(1), () -> false);
            assertThat(h.fake().state().applyCalls).doesNotContainKey("subscription/kill-1");
            assertThat(h.caseView(id).at("/enforcement/actions/0/status").asText()).isEqualTo("pending");
            String prometheus = h.client.toBlocking().retrieve(io.micronaut.http.HttpRequest.GET("/prometheus").bearerAuth(admin));
            assertThat(prometheus).contains("writ_enforcement_paused 1.0");

            h.put("/v1/admin/enforcement", "{\"paused\": false, \"reason\": \"incident over\"}", admin);
            h.awaitStatus(id, "enforced");
            List<JsonNode> switches = h.auditEntries("kind=enforcement.pause").stream().toList();
            assertThat(switches).hasSize(1);
            assertThat(switches.getFirst().get("reason").asText()).isEqualTo("provider incident");
            assertThat(h.auditEntries("kind=enforcement.resume")).hasSize(1);
            assertThat(h.fake().state().changes.get("subscription/kill-1")).isEqualTo(1);
        }
    }

    @Test
    void theBlastRadiusCapHoldsActionsUntilAnAdminReleasesThem() throws Exception {
        try (Harness h = Harness.start(Map.of("writ.enforcement.blast-radius.per-hour", 3,
                "writ.enforcement.blast-radius.per-tenant-per-hour", 1))) {
            // per tenant: the second subscription of one tenant is held
            String id = h.caseFor("tnt-cap-1", "telecom", List.of("cap-a", "cap-b"));
            h.approve(id, disables("cap-a", "cap-b"), scope("cap-a", "cap-b"));
            h.move(id, "execute", "{\"reason\": \"now\"}", token("bob", "approver"));
            Harness.await(Duration.ofSeconds(10), () -> h.caseView(id).at("/enforcement/actions/1/status").asText().equals("held"));
            JsonNode c = h.caseView(id);
            assertThat(c.get("status").asText()).isEqualTo("executing");
            assertThat(c.at("/enforcement/actions/0/status").asText()).isEqualTo("verified");
            assertThat(h.fake().state().applyCalls).doesNotContainKey("subscription/cap-b");
            assertThat(h.get("/v1/admin/enforcement", token("a", "auditor")).get("held").asInt()).isEqualTo(1);

            String release = "/v1/cases/" + id + "/plan/actions/1/release";
            ApiTests.problem(() -> h.post(release, "{\"reason\": \"ok\"}", token("bob", "approver")), 403);
            ApiTests.problem(() -> h.post(release, "{}", token("root", "admin")), 422);
            ApiTests.problem(() -> h.post("/v1/cases/" + id + "/plan/actions/x/release", "{\"reason\": \"ok\"}", token("root", "admin")), 400);
            ApiTests.problem(() -> h.post("/v1/cases/" + id + "/plan/actions/7/release", "{\"reason\": \"ok\"}", token("root", "admin")), 404);
            JsonNode notHeld = ApiTests.problem(() -> h.post("/v1/cases/" + id + "/plan/actions/0/release",
                    "{\"reason\": \"ok\"}", token("root", "admin")), 409);
            assertThat(notHeld.get("detail").asText()).contains("verified, not held");
            assertThat(h.caseView(id).at("/enforcement/actions/1/status").asText()).isEqualTo("held");

            JsonNode released = h.post(release, "{\"reason\": \"both subscriptions run the interception\"}", token("root", "admin"));
            assertThat(released.at("/actions/1/released/by").asText()).isEqualTo("root");
            h.awaitStatus(id, "enforced");
            assertThat(h.fake().state().changes.get("subscription/cap-b")).isEqualTo(1);
            assertThat(h.auditKinds(id)).containsSubsequence("enforcement.apply", "enforcement.hold", "enforcement.release",
                    "enforcement.apply");

            // overall: two disabled this hour, a third tenant's would be the third... then the fourth is held
            String second = h.caseFor("tnt-cap-2", "telecom", List.of("cap-c"));
            h.approve(second, disables("cap-c"), scope("cap-c"));
            h.move(second, "execute", "{\"reason\": \"now\"}", token("bob", "approver"));
            h.awaitStatus(second, "enforced");
            String third = h.caseFor("tnt-cap-3", "telecom", List.of("cap-d"));
            h.approve(third, disables("cap-d"), scope("cap-d"));
            h.move(third, "execute", "{\"reason\": \"now\"}", token("bob", "approver"));
            Harness.await(Duration.ofSeconds(10), () -> h.caseView(third).at("/enforcement/actions/0/status").asText().equals("held"));
            assertThat(h.fake().state().applyCalls).doesNotContainKey("subscription/cap-d");
        }
    }

    @Test
    void dryRunModeRecordsWhatWouldBeDoneAndChangesNothing() throws Exception {
        try (Harness h = Harness.start(Map.of("writ.enforcement.dry-run", true))) {
            assertThat(h.get("/v1/admin/enforcement", token("root", "admin")).get("dry_run").asBoolean()).isTrue();
            String id = h.caseFor("tnt-dry", "telecom", List.of("dry-a"));
            h.approve(id, disables("dry-a"), scope("dry-a"));
            h.move(id, "execute", "{\"reason\": \"now\"}", token("bob", "approver"));
            Harness.await(Duration.ofSeconds(10), () -> h.caseView(id).at("/enforcement/actions/0/status").asText().equals("would_apply"));
            JsonNode c = h.caseView(id);
            assertThat(c.get("status").asText()).isEqualTo("executing");
            assertThat(c.at("/enforcement/dry_run_mode").asBoolean()).isTrue();
            assertThat(c.at("/enforcement/actions/0/dry_run/summary").asText()).contains("disable-subscription", "dry-a");
            assertThat(c.at("/enforcement/actions/0/dry_run/intended/state").asText()).isEqualTo("Disabled");
            assertThat(c.at("/enforcement/actions/0/applied").isNull()).isTrue();
            assertThat(h.fake().state().applyCalls).isEmpty();
            assertThat(h.fake().state().totalChanges).isZero();
            // a retry cannot turn a dry run into a change while the mode is on
            ApiTests.problem(() -> h.post("/v1/cases/" + id + "/plan/retry", "{}", token("bob", "approver")), 409);
        }
    }
}

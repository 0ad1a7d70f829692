package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import io.writ.connector.azure.AzureArmStub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.writ.connector.azure.AzureArmStub.STORAGE_ACCOUNT_ID;
import static io.writ.connector.azure.AzureArmStub.SUBSCRIPTION_ID;
import static io.writ.engine.enforcement.Harness.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end against Azure Resource Manager (the Azure connector's stateful WireMock stub): signals → decision →
 * case → proposal → two approvals → notice → execution → verified → appeal → reinstated and verified.
 */
class EnforcementAzureTest {

    @Test
    void aSurveillanceTenantIsCutOffAtAzureAndRestoredOnAppeal() {
        try (AzureArmStub arm = AzureArmStub.start()) {
            Map<String, Object> settings = new HashMap<>();
            arm.settings().forEach((k, v) -> settings.put("writ.connectors.azure." + k, v));
            // only the dossier's provider routes; warn of Azure's 90-day data deletion from the start
            settings.put("writ.enforcement.default-connector", "");
            settings.put("writ.enforcement.deadline-warning", "P100D");
            try (Harness h = Harness.start(settings)) {
                String t = "tnt-azure";
                String id = h.signals(t, """
                        [{"type": "tenant", "tenant_id": "tnt-azure", "segment": "government-intelligence"},
                         {"type": "subscription", "tenant_id": "tnt-azure", "id": "%s", "provider": "azure", "state": "active",
                          "services": ["storage", "speech-to-text"]},
                         {"type": "population", "tenant_id": "tnt-azure", "subscription": "%s", "distinct_subjects": 2300000}]"""
                        .formatted(SUBSCRIPTION_ID, SUBSCRIPTION_ID));
                h.move(id, "assign", "{}", token("alice", "reviewer"));
                h.move(id, "propose", """
                        {"reason": "bulk interception of civilians", "clause": "AUP-2.1", "scope": {"subscriptions": ["%s"]},
                         "actions": [{"action": "disable-subscription", "subscription": "%s"},
                                     {"action": "deny-service", "subscription": "%s", "service": "speech-to-text"},
                                     {"action": "isolate-resource", "resource": "%s"}]}"""
                        .formatted(SUBSCRIPTION_ID, SUBSCRIPTION_ID, SUBSCRIPTION_ID, STORAGE_ACCOUNT_ID), token("alice", "reviewer"));

                // the preview reads ARM: nothing is changed by looking
                JsonNode preview = h.get("/v1/cases/" + id + "/plan", token("bob", "approver"));
                assertThat(preview.at("/actions/0/connector").asText()).isEqualTo("azure");
                assertThat(preview.at("/actions/2/connector").asText()).isEqualTo("azure");
                assertThat(preview.at("/actions/0/preview/current/state").asText()).as("%s", preview).isEqualTo("Enabled");
                assertThat(preview.at("/actions/0/preview/intended/state").asText()).isEqualTo("Disabled");
                assertThat(preview.at("/actions/1/preview/intended/notAllowedResourceTypes/0").asText())
                        .isEqualTo("Microsoft.CognitiveServices/accounts");
                assertThat(arm.state("subscription")).isEqualTo("Started");

                h.move(id, "approve", "{\"reason\": \"evidence is clear\"}", token("bob", "approver"));
                JsonNode approved = h.move(id, "approve", "{\"reason\": \"agreed\"}", token("carol", "approver"));
                assertThat(approved.get("status").asText()).isEqualTo("approved");
                assertThat(approved.at("/enforcement/notice/text").asText()).contains("AUP-2.1");
                assertThat(arm.state("subscription")).isEqualTo("Started");

                h.move(id, "execute", "{\"reason\": \"interception of civilians is ongoing\"}", token("bob", "approver"));
                JsonNode enforced = h.awaitStatus(id, "enforced");
                for (JsonNode a : enforced.at("/enforcement/actions")) {
                    assertThat(a.get("status").asText()).isEqualTo("verified");
                    assertThat(a.at("/verification/ok").asBoolean()).isTrue();
                }
                assertThat(arm.state("subscription")).isEqualTo("Disabled");
                assertThat(arm.state("policy-assignment")).isEqualTo("Assigned");
                assertThat(arm.state("storage-account")).isEqualTo("Isolated");
                Instant deadline = Instant.parse(enforced.at("/enforcement/actions/0/irreversible_after").asText());
                assertThat(Duration.between(Instant.now(), deadline)).isBetween(Duration.ofDays(89), Duration.ofDays(91));
                assertThat(enforced.at("/enforcement/deadline_warnings/0/action").asInt()).isZero();

                h.move(id, "appeal", "{\"reason\": \"the tenant produced a warrant\"}", token("alice", "reviewer"));
                h.move(id, "reinstate", "{\"reason\": \"the warrant covers the use\"}", token("bob", "approver"));
                JsonNode reinstated = h.awaitStatus(id, "reinstated");
                for (JsonNode a : reinstated.at("/enforcement/actions")) {
                    assertThat(a.get("status").asText()).isEqualTo("restored");
                }
                assertThat(reinstated.at("/enforcement/deadline_warnings")).isEmpty();
                assertThat(arm.state("subscription")).isEqualTo("Started");
                assertThat(arm.state("policy-assignment")).isEqualTo("Started");
                assertThat(arm.state("storage-account")).isEqualTo("Started");
                List<String> reverts = new ArrayList<>();
                h.get("/v1/cases/" + id + "/plan", token("a", "auditor")).get("history").forEach(x -> {
                    if (x.path("step").asText().equals("revert") && x.path("outcome").asText().equals("reverted")) {
                        reverts.add(x.get("action").asText());
                    }
                });
                assertThat(reverts).containsExactly("2", "1", "0");
                // the engine asked ARM for nothing the stub does not serve
                assertThat(arm.server().findAllUnmatchedRequests()).extracting(r -> r.getMethod() + " " + r.getUrl()).isEmpty();
            }
        }
    }
}
